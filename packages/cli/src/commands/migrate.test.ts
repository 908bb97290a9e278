import { createTestEnv, type TestEnv } from '@rt/testkit';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../testing/run-cli';

let env: TestEnv;
beforeAll(async () => {
  env = await createTestEnv();
});
afterAll(() => env.close());

describe('rt migrate', () => {
  it('says the schema is current and makes partitions three months ahead', async () => {
    await sql`drop table if exists ${sql.id(partitionName(2))}`.execute(env.db);
    const res = await runCli(['migrate'], { databaseUrl: env.databaseUrl });
    expect(res).toMatchObject({ code: 0, stderr: '' });
    expect(res.stdout).toContain('schema already up to date');
    expect(res.stdout).toContain(partitionName(3));
  });

  it('fails clearly when the database cannot be reached', async () => {
    const res = await runCli(['migrate'], { databaseUrl: 'postgres://postgres@127.0.0.1:1/none' });
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/^error: .*ECONNREFUSED/);
  });
});

function partitionName(monthsAhead: number): string {
  const now = new Date();
  const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + monthsAhead, 1));
  return `events_${d.getUTCFullYear()}_${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
}
