import { type RawBuilder, sql } from 'kysely';

/**
 * How many `visitors.merged_into` links a walk follows. Merges keep the links one level deep
 * (a merge re-points everything merged into the loser at the survivor), so this only bounds a
 * walk over rows written by hand or by an older version.
 */
export const MAX_MERGE_DEPTH = 8;

/**
 * The one walk from a visitor id to its person, as common table expressions for a
 * `with recursive` statement. `starts` is a relation with a `start` column of visitor ids; the
 * statement can then read:
 * - `person(start, id)`: the canonical visitor of each start (`merged_into` followed to its end);
 * - `family(start, id)`: that visitor and every visitor merged into it, the ids under which the
 *   person's events, impressions, carts and interest were recorded before the merges.
 * Served by the primary key of `visitors` upwards and `visitors_merged_into_idx` downwards.
 */
export function personOf(starts: RawBuilder<unknown>): RawBuilder<unknown> {
  return sql`person_up(start, id, depth) as (
      select s.start, s.start, 0 from ${starts} s
      union all
      select u.start, v.merged_into, u.depth + 1 from person_up u join visitors v on v.id = u.id
      where v.merged_into is not null and u.depth < ${sql.lit(MAX_MERGE_DEPTH)}
    ),
    person(start, id) as (select distinct on (start) start, id from person_up order by start, depth desc),
    family(start, id, depth) as (
      select start, id, 0 from person
      union all
      select f.start, v.id, f.depth + 1 from family f join visitors v on v.merged_into = f.id
      where f.depth < ${sql.lit(MAX_MERGE_DEPTH)}
    )`;
}
