import { COOKIE_STATES, IDENTITY_KINDS, REJECT_SOURCES } from '@rt/events';
import { createTestEnv, type TestEnv } from '@rt/testkit';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let env: TestEnv;
beforeAll(async () => {
  env = await createTestEnv();
});
afterAll(() => env.close());

describe('migrated schema', () => {
  it('has no two indexes alike on one table: each is kept up to date on every write', async () => {
    const { rows } = await sql<{ table: string; indexes: string[] }>`
      select c.relname as table, array_agg(i.relname::text order by i.relname) as indexes
      from pg_index x
      join pg_class i on i.oid = x.indexrelid
      join pg_class c on c.oid = x.indrelid
      where c.relnamespace = 'public'::regnamespace
      group by c.relname, x.indkey::text, x.indclass::text, x.indcollation::text,
        pg_get_expr(x.indexprs, x.indrelid), pg_get_expr(x.indpred, x.indrelid), x.indisunique
      having count(*) > 1`.execute(env.db);
    expect(rows).toEqual([]);
  });

  it("checks the event vocabulary's enums exactly as @rt/events declares them", async () => {
    const allowed = async (table: string, column: string) => {
      const { rows } = await sql<{ def: string }>`
        select pg_get_constraintdef(oid) as def from pg_constraint
        where conrelid = ${table}::regclass and contype = 'c' and pg_get_constraintdef(oid) like ${`%${column}%`}`.execute(
        env.db,
      );
      expect(rows).toHaveLength(1);
      return [...(rows[0]?.def ?? '').matchAll(/'([^']+)'::text/g)].map((m) => m[1]).sort();
    };
    expect(await allowed('identities', 'kind')).toEqual([...IDENTITY_KINDS].sort());
    expect(await allowed('events', 'cookie_state')).toEqual([...COOKIE_STATES].sort());
    expect(await allowed('rejected_events', 'source')).toEqual([...REJECT_SOURCES].sort());
  });
});
