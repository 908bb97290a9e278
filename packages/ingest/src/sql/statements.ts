import { type RawBuilder, sql, type Transaction } from 'kysely';

/** One data-modifying statement of a batch; `count` names the number of rows it returns. */
export interface Statement {
  sql: RawBuilder<unknown>;
  count?: string;
}

/**
 * Runs a batch's writes as ONE statement (`with s0 as (insert ...), s1 as (update ...) select`):
 * one round trip instead of one per table. They run on one snapshot and none sees another's
 * effect, so callers only group statements that touch disjoint rows.
 */
export async function runTogether(trx: Transaction<any>, statements: Statement[]): Promise<Record<string, number>> {
  if (statements.length === 0) return {};
  const ctes = sql.join(statements.map((s, i) => sql`${sql.id(`s${i}`)} as (${s.sql})`));
  const counts = statements.flatMap((s, i) =>
    s.count ? [sql`(select count(*)::int from ${sql.id(`s${i}`)}) as ${sql.id(s.count)}`] : [],
  );
  const { rows } = await sql<
    Record<string, number>
  >`with ${ctes} select ${counts.length > 0 ? sql.join(counts) : sql`1 as done`}`.execute(trx);
  return rows[0] ?? {};
}

/** A timestamp as read directly (Date) or through json_agg (ISO text), in epoch ms. */
export const toMs = (v: Date | string): number => (typeof v === 'string' ? Date.parse(v) : v.getTime());

/**
 * Runs one data-modifying statement with RETURNING (`modify`) and several reads in a single
 * round trip; each result comes back as a JSON array of rows (timestamps as ISO text).
 */
export async function readTogether(
  trx: Transaction<any>,
  modify: Record<string, RawBuilder<unknown>>,
  reads: Record<string, RawBuilder<unknown>>,
): Promise<Record<string, any[]>> {
  const mods = Object.entries(modify);
  const all = [
    ...mods.map(
      ([name]) => sql`(select coalesce(json_agg(t), '[]'::json) from ${sql.id(`m_${name}`)} t) as ${sql.id(name)}`,
    ),
    ...Object.entries(reads).map(
      ([name, q]) => sql`(select coalesce(json_agg(t), '[]'::json) from (${q}) t) as ${sql.id(name)}`,
    ),
  ];
  if (all.length === 0) return {};
  const withs =
    mods.length > 0 ? sql`with ${sql.join(mods.map(([name, q]) => sql`${sql.id(`m_${name}`)} as (${q})`))} ` : sql``;
  const { rows } = await sql<Record<string, any[]>>`${withs}select ${sql.join(all)}`.execute(trx);
  return rows[0] ?? {};
}
