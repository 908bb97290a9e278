import { createTestEnv, type TestEnv } from '@rt/testkit';
import { verifyPassword } from '@rt/users';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../testing/run-cli';

let env: TestEnv;
const cli = (args: string[], stdin?: string) => runCli(args, { databaseUrl: env.databaseUrl, stdin });

beforeAll(async () => {
  env = await createTestEnv();
  await env.db.insertInto('sites').values({ id: 'shop', name: 'Shop', allowed_origins: [] }).execute();
  await env.db.insertInto('partners').values({ id: 'news', name: 'News', allowed_origins: [] }).execute();
});
afterAll(() => env.close());

describe('rt users', () => {
  it('adds merchant, partner and admin users with the password from stdin, stored as scrypt', async () => {
    expect(
      await cli(['users', 'add', 'Ops@Shop.example', '--site', 'shop', '--stdin'], 'merchant secret\n'),
    ).toMatchObject({
      code: 0,
      stdout: 'added ops@shop.example\n',
    });
    expect(
      (await cli(['users', 'add', 'p@news.example', '--partner', 'news', '--stdin'], 'partner secret\n')).code,
    ).toBe(0);
    expect((await cli(['users', 'add', 'root@rt.example', '--admin', '--stdin'], 'admin secret!\n')).code).toBe(0);
    const row = await env.db
      .selectFrom('console_users')
      .selectAll()
      .where('email', '=', 'ops@shop.example')
      .executeTakeFirstOrThrow();
    expect(row.password_hash).toMatch(/^scrypt\$32768\$8\$1\$/);
    expect(row.password_hash).not.toContain('merchant secret');
    expect(await verifyPassword('merchant secret', row.password_hash)).toBe(true);
    expect(await verifyPassword('merchant secreT', row.password_hash)).toBe(false);
    const list = await cli(['users', 'list']);
    expect(list.stdout).toBe(
      'ops@shop.example\tmerchant\tshop\np@news.example\tpartner\tnews\nroot@rt.example\tadmin\t\n',
    );
    const json = JSON.parse((await cli(['users', 'list', '--json'])).stdout);
    expect(json[0]).toEqual({ email: 'ops@shop.example', role: 'merchant', sites: ['shop'], partners: [] });
  });

  it('updates the password of an existing user and ends its sessions', async () => {
    await env.db
      .insertInto('console_sessions')
      .values({ id_hash: 'h', email: 'ops@shop.example', csrf: 'c', created_at: new Date(), last_seen_at: new Date() })
      .execute();
    expect(
      (await cli(['users', 'add', 'ops@shop.example', '--site', 'shop', '--stdin'], 'a new secret\n')).stdout,
    ).toBe('updated ops@shop.example\n');
    expect(await env.db.selectFrom('console_sessions').selectAll().execute()).toEqual([]);
  });

  it('removes a user', async () => {
    expect((await cli(['users', 'remove', 'P@news.example'])).stdout).toBe('removed p@news.example\n');
    expect(await cli(['users', 'remove', 'p@news.example'])).toMatchObject({
      code: 1,
      stderr: 'error: no user p@news.example\n',
    });
  });

  it.each([
    [
      ['users', 'add', 'x@y.example', '--stdin'],
      'a long password',
      'give exactly one of --site <id>, --partner <id> or --admin',
    ],
    [['users', 'add', 'x@y.example', '--site', 'shop', '--admin', '--stdin'], 'a long password', 'give exactly one of'],
    [['users', 'add', 'x@y.example', '--site', 'shop'], undefined, 'give the password on standard input with --stdin'],
    [['users', 'add', 'x@y.example', '--site', 'nope', '--stdin'], 'a long password', 'unknown site "nope"'],
    [['users', 'add', 'x@y.example', '--partner', 'nope', '--stdin'], 'a long password', 'unknown partner "nope"'],
    [
      ['users', 'add', 'not-an-email', '--admin', '--stdin'],
      'a long password',
      '"not-an-email" is not an email address',
    ],
    [['users', 'add', 'x@y.example', '--admin', '--stdin'], 'short\n', 'at least 10 characters'],
    [
      ['users', 'add', 'ops@shop.example', '--admin', '--stdin'],
      'a long password',
      'is a merchant user; remove it first',
    ],
    [['users', 'add', 'x@y.example', '--site', 'Bad Id', '--stdin'], 'a long password', 'site id "Bad Id" must be'],
  ])('refuses %j with a message naming what to fix', async (args, stdin, message) => {
    const res = await cli(args, stdin);
    expect(res.code).toBe(1);
    expect(res.stderr).toContain(message);
  });
});
