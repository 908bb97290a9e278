import { randomUUID } from 'node:crypto';
import { createTestEnv, type TestEnv } from '@rt/testkit';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { personOf } from './person';

let env: TestEnv;
beforeAll(async () => {
  env = await createTestEnv();
});
afterAll(() => env.close());

/** Visitors with the given `merged_into` links, by name. */
async function visitors(links: Record<string, string | null>): Promise<Record<string, string>> {
  const ids = Object.fromEntries(Object.keys(links).map((k) => [k, randomUUID()]));
  const now = new Date();
  await env.db
    .insertInto('visitors')
    .values(Object.values(ids).map((id) => ({ id, first_seen_at: now, last_seen_at: now, merged_into: null })))
    .execute();
  for (const [name, into] of Object.entries(links)) {
    if (into !== null)
      await env.db.updateTable('visitors').set({ merged_into: ids[into]! }).where('id', '=', ids[name]!).execute();
  }
  return ids;
}

async function walk(starts: string[]): Promise<{ person: Map<string, string>; family: Map<string, string[]> }> {
  const { rows } = await sql<{ start: string; person: string; family: string[] }>`
    with recursive ${personOf(sql`(select unnest(${starts}::uuid[]) as start)`)}
    select p.start, p.id as person, (select array_agg(f.id order by f.id) from family f where f.start = p.start) as family
    from person p`.execute(env.db);
  return {
    person: new Map(rows.map((r) => [r.start, r.person])),
    family: new Map(rows.map((r) => [r.start, r.family])),
  };
}

describe('personOf: the walk from a visitor to its person', () => {
  it('leads every member of a merged family to the same person and the same family', async () => {
    const v = await visitors({ root: null, a: 'root', b: 'root', other: null });
    const { person, family } = await walk([v.a!, v.b!, v.root!, v.other!]);
    for (const start of [v.a!, v.b!, v.root!]) {
      expect(person.get(start)).toBe(v.root);
      expect(family.get(start)).toEqual([v.root!, v.a!, v.b!].sort());
    }
    expect(person.get(v.other!)).toBe(v.other);
    expect(family.get(v.other!)).toEqual([v.other]);
  });

  it('follows a chain written by hand (deeper than merges leave it) to its end', async () => {
    const v = await visitors({ top: null, mid: 'top', low: 'mid' });
    const { person, family } = await walk([v.low!]);
    expect(person.get(v.low!)).toBe(v.top);
    expect(family.get(v.low!)).toEqual([v.top!, v.mid!, v.low!].sort());
  });

  it('yields nothing for a visitor id that does not exist beyond the id itself', async () => {
    const ghost = randomUUID();
    const { person, family } = await walk([ghost]);
    expect(person.get(ghost)).toBe(ghost);
    expect(family.get(ghost)).toEqual([ghost]);
  });
});
