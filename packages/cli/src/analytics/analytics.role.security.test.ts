import { ensureEventPartitions } from '@rt/db';
import { createTestEnv, type TestEnv } from '@rt/testkit';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scramVerifier } from '../scram';
import { runCli } from '../testing/run-cli';

let env: TestEnv;
const PASSWORD = 'analyst-secret-1234';

function analystUrl(): string {
  const u = new URL(env.databaseUrl);
  u.username = 'rt_analyst';
  u.password = PASSWORD;
  return u.toString();
}

async function asAnalyst<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: analystUrl() });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

async function storedVerifier(): Promise<string> {
  const { rows } = await sql<{
    p: string;
  }>`select rolpassword as p from pg_authid where rolname = 'rt_analyst'`.execute(env.db);
  return rows[0]!.p;
}

beforeAll(async () => {
  env = await createTestEnv();
  // The role is cluster-wide and may have been enabled by an earlier run: start from NOLOGIN.
  await sql`alter role rt_analyst nologin password null`.execute(env.db);
});
afterAll(() => env.close());

describe('rt_analyst', () => {
  it('cannot log in until a password is set from the CLI', async () => {
    await expect(asAnalyst((c) => c.query('select 1'))).rejects.toThrow(/not permitted to log in/);
    const res = await runCli(['analyst-password', '--stdin'], { databaseUrl: env.databaseUrl, stdin: `${PASSWORD}\n` });
    expect(res).toMatchObject({ code: 0, stderr: '' });
    expect(res.stdout).toContain('rt_analyst can now log in');
    const session = await asAnalyst(
      async (c) => (await c.query(`select current_user as u, current_setting('jit') as jit`)).rows[0],
    );
    expect(session).toEqual({ u: 'rt_analyst', jit: 'off' });
  });

  it('stores a SCRAM verifier Postgres itself would compute for that password', async () => {
    const ours = await storedVerifier();
    const [, iter, salt] = /^SCRAM-SHA-256\$(\d+):([^$]+)\$/.exec(ours)!;
    expect(scramVerifier(PASSWORD, Buffer.from(salt!, 'base64'), Number(iter))).toBe(ours);
    // Let the server hash the same password, then recompute its verifier with its salt.
    await sql`set password_encryption = 'scram-sha-256'`.execute(env.db);
    await sql`alter role rt_analyst password ${sql.lit(PASSWORD)}`.execute(env.db);
    const theirs = await storedVerifier();
    const [, iter2, salt2] = /^SCRAM-SHA-256\$(\d+):([^$]+)\$/.exec(theirs)!;
    expect(scramVerifier(PASSWORD, Buffer.from(salt2!, 'base64'), Number(iter2))).toBe(theirs);
  });

  // The console's users, sessions and sign-in failures hold password and session hashes: they are
  // the one part of public analysts may not read (docs/console.md; console.security.test.ts).
  const PRIVATE = ['public.console_login_failures', 'public.console_sessions', 'public.console_users'];

  it('reads every table, partition and view of public and analytics, including partitions made later, but the console accounts', async () => {
    await ensureEventPartitions(env.db, new Date('2035-01-01T00:00:00Z'), new Date('2035-01-02T00:00:00Z'));
    const { rows } = await sql<{ name: string }>`
      select format('%I.%I', n.nspname, c.relname) as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where n.nspname in ('public', 'analytics') and c.relkind in ('r', 'p', 'v', 'm') order by 1`.execute(env.db);
    const names = rows.map((r) => r.name).filter((n) => !PRIVATE.includes(n));
    expect(names).toEqual(
      expect.arrayContaining([
        'analytics.funnel_daily',
        'analytics.ad_performance',
        'public.conversions',
        'public.events_2035_01',
      ]),
    );
    const failures = await asAnalyst(async (c) => {
      const failed: string[] = [];
      for (const name of names)
        await c.query(`select * from ${name} limit 1`).catch((e) => failed.push(`${name}: ${e.message}`));
      return failed;
    });
    expect(failures).toEqual([]);
  });

  it.each([
    ['insert', `insert into sites (id, name) values ('x', 'x')`],
    ['update', `update products set name = 'x'`],
    ['delete', 'delete from events'],
    ['truncate', 'truncate carts'],
    ['create in public', 'create table public.mine (id int)'],
    ['create in analytics', 'create view analytics.mine as select 1'],
    ['refresh a rollup', 'refresh materialized view analytics.funnel_daily_rollup'],
    ['drop', 'drop view analytics.funnel_daily'],
    ['alter', 'alter table sites add column x int'],
  ])('is refused: %s', async (_what, statement) => {
    const err = await asAnalyst((c) =>
      c.query(statement).then(
        () => null,
        (e: Error & { code?: string }) => e,
      ),
    );
    expect(err?.code).toBe('42501'); // insufficient_privilege / must be owner
  });

  it('can be locked again', async () => {
    expect((await runCli(['analyst-password', '--disable'], { databaseUrl: env.databaseUrl })).code).toBe(0);
    await expect(asAnalyst((c) => c.query('select 1'))).rejects.toThrow(/not permitted to log in/);
  });
});
