import { createTestEnv, type TestEnv } from '@rt/testkit';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unnest } from './unnest';

let env: TestEnv;
beforeAll(async () => {
  env = await createTestEnv();
});
afterAll(() => env.close());

const tricky = ['plain', 'with "quotes"', 'back\\slash\\', 'comma, {brace} and space', '', 'NULL', 'é 🛒', '\\"'];

describe('unnest array parameters', () => {
  it('round-trips text with quotes, backslashes, braces, commas, empty strings and the word NULL', async () => {
    const values = [...tricky, null];
    const { rows } = await sql<{ t: string | null; n: number }>`
      select t, n from ${unnest([
        ['t', 'text', values],
        ['n', 'int4', values.map((_, i) => i)],
      ])} order by n`.execute(env.db);
    expect(rows.map((r) => r.t)).toEqual(values);
  });

  it('round-trips jsonb documents whose strings hold quotes and backslashes', async () => {
    const docs = [[{ id: 'a"b', name: 'x\\y' }], [], { k: '{,}' }];
    const { rows } = await sql<{ j: unknown }>`
      select j from ${unnest([['j', 'jsonb', docs.map((d) => JSON.stringify(d))]])}`.execute(env.db);
    expect(rows.map((r) => r.j)).toEqual(docs);
  });
});
