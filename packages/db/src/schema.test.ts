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
});
