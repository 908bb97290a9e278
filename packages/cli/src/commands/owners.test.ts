import { createTestEnv, type TestEnv } from '@rt/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../testing/run-cli';

let env: TestEnv;
const cli = (...args: string[]) => runCli(args, { databaseUrl: env.databaseUrl });

beforeAll(async () => {
  env = await createTestEnv();
});
afterAll(() => env.close());

describe.each(['sites', 'partners'] as const)('rt %s', (table) => {
  it('adds, updates and lists with normalized origins', async () => {
    const add = await cli(
      table,
      'add',
      'acme',
      '--name',
      'Acme',
      '--origin',
      'https://Acme.example',
      '--origin',
      'http://127.0.0.1:3000/',
    );
    expect(add).toMatchObject({ code: 0, stderr: '' });
    expect(add.stdout).toContain(`added ${table.slice(0, -1)} acme`);
    const again = await cli(table, 'add', 'acme', '--name', 'Acme Inc', '--origin', 'https://acme.example');
    expect(again.stdout).toContain('updated');
    const row = await env.db.selectFrom(table).selectAll().where('id', '=', 'acme').executeTakeFirstOrThrow();
    expect(row).toMatchObject({ name: 'Acme Inc', allowed_origins: ['https://acme.example'] });
    const list = await cli(table, 'list', '--json');
    expect(JSON.parse(list.stdout)).toEqual([expect.objectContaining({ id: 'acme', name: 'Acme Inc' })]);
    expect((await cli(table, 'list')).stdout).toBe('acme\tAcme Inc\thttps://acme.example\n');
  });

  it.each([
    ['https://shop.example/path', /no path/],
    ['https://shop.example?x=1', /no path, query/],
    ['ftp://shop.example', /http or https/],
    ['shop.example', /not a URL/],
    ['https://user:pw@shop.example', /credentials/],
  ])('refuses the origin %s', async (origin, message) => {
    const res = await cli(table, 'add', 'bad-origin', '--name', 'x', '--origin', origin);
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(message);
    expect(
      await env.db.selectFrom(table).select('id').where('id', '=', 'bad-origin').executeTakeFirst(),
    ).toBeUndefined();
  });

  it('refuses a bad id and a missing name', async () => {
    const bad = await cli(table, 'add', 'Bad Id', '--name', 'x');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/lower-case letters/);
    const noName = await cli(table, 'add', 'ok-id');
    expect(noName.code).toBe(1);
    expect(noName.stderr).toMatch(/--name/);
  });

  it('removes softly, refuses unknown ids removing nothing, and add restores', async () => {
    await cli(table, 'add', 'gone-a', '--name', 'A');
    await cli(table, 'add', 'gone-b', '--name', 'B');
    const unknown = await cli(table, 'remove', 'gone-a', 'nope');
    expect(unknown).toMatchObject({ code: 1, stderr: `error: unknown ${table}: nope; nothing removed\n` });
    const one = table.slice(0, -1);
    const res = await cli(table, 'remove', 'gone-a', 'gone-b');
    expect(res).toMatchObject({ code: 0, stdout: `removed ${one} gone-a\nremoved ${one} gone-b\n` });
    expect((await cli(table, 'remove', 'gone-a')).stdout).toBe(`${one} gone-a was already removed\n`);
    expect((await cli(table, 'list')).stdout).not.toContain('gone-');
    expect((await cli(table, 'list', '--all')).stdout).toContain('gone-a\tA\t\tremoved');
    await cli(table, 'add', 'gone-a', '--name', 'A again');
    const row = await env.db.selectFrom(table).selectAll().where('id', '=', 'gone-a').executeTakeFirstOrThrow();
    expect(row).toMatchObject({ name: 'A again', removed_at: null });
  });

  it('gives an example id of its own kind in --help', async () => {
    const help = await cli(table, 'add', '--help');
    expect(help.stdout).toContain(table === 'sites' ? 'e.g. demo-shop' : 'e.g. demo-news');
  });
});
