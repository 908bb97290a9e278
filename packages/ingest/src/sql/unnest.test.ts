import { createTestEnv, type TestEnv } from '@rt/testkit';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unnest } from './unnest';

let env: TestEnv;
beforeAll(async () => {
  env = await createTestEnv();
});
afterAll(() => env.close());

const tricky = [
  'plain',
  'with "quotes"',
  'back\\slash\\',
  'comma, {brace} and space',
  '',
  'NULL',
  'null',
  'é 🛒',
  '\\"',
  // Characters JSON escapes its own way (`\n`, `\u0001`), and a literal backslash before a letter.
  'line\nbreak\ttab\u0001\u001f',
  'back\\nslash',
  ' padded ',
];

describe('unnest array parameters', () => {
  it('round-trips text with quotes, backslashes, braces, commas, empty strings and the word NULL', async () => {
    // All together (one control character sends the column down the element-by-element path),
    // then each alone (most take the JSON path).
    for (const values of [[...tricky, null], ...tricky.map((t) => [t, null])]) {
      const { rows } = await sql<{ t: string | null; n: number }>`
        select t, n from ${unnest([
          ['t', 'text', values],
          ['n', 'int4', values.map((_, i) => i)],
        ])} order by n`.execute(env.db);
      expect(rows.map((r) => r.t)).toEqual(values);
    }
  });

  it('hands rows on in the order of the arrays (statements insert, and so lock, in that order)', async () => {
    const n = Array.from({ length: 5000 }, (_, i) => (i * 7919) % 5000);
    const { rows } = await sql<{ n: number; at: string }>`
      select n, at from ${unnest([
        ['n', 'int4', n],
        ['at', 'epoch_ms', n.map((x) => x * 1000)],
        ['j', 'jsonb', n.map((x) => ({ x }))],
      ])}`.execute(env.db);
    expect(rows.map((r) => r.n)).toEqual(n);
  });

  it('round-trips jsonb documents as they are, beside other columns, null and undefined as NULL', async () => {
    const docs = [
      [{ id: 'a"b', name: 'x\\y' }],
      [],
      { k: '{,}' },
      { k: 'line\nbreak', q: '\\"' },
      'text',
      7,
      null,
      undefined,
    ];
    const { rows } = await sql<{ j: unknown; t: string; n: number }>`
      select j, t, n from ${unnest([
        ['t', 'text', docs.map((_, i) => `row ${i}`)],
        ['j', 'jsonb', docs],
        ['n', 'int4', docs.map((_, i) => i)],
      ])} order by n`.execute(env.db);
    expect(rows.map((r) => r.j)).toEqual(docs.map((d) => d ?? null));
    expect(rows.map((r) => r.t)).toEqual(docs.map((_, i) => `row ${i}`));
  });

  it('round-trips numbers (and numeric text), booleans and nulls, whichever way the literal is built', async () => {
    const { rows } = await sql<{ n: string | null; b: boolean | null; i: number }>`
      select n, b, i from ${unnest([
        ['n', 'numeric', [19.99, null, 0, -3, 1e21, undefined, '2.50']],
        ['b', 'bool', [true, false, null, true, false, true, undefined]],
        ['i', 'int4', [0, 1, 2, 3, 4, 5, 6]],
      ])} order by i`.execute(env.db);
    expect(rows.map((r) => (r.n === null ? null : Number(r.n)))).toEqual([19.99, null, 0, -3, 1e21, null, 2.5]);
    expect(rows.map((r) => r.b)).toEqual([true, false, null, true, false, true, null]);
    // NaN and Infinity take the element-by-element path (JSON would write null).
    const { rows: odd } = await sql<{ n: string }>`select n from ${unnest([
      ['n', 'numeric', [Number.NaN, Number.POSITIVE_INFINITY]],
    ])}`.execute(env.db);
    expect(odd.map((r) => r.n)).toEqual(['NaN', 'Infinity']);
  });

  it('turns epoch milliseconds into the exact timestamptz, beside text timestamps and jsonb', async () => {
    const ms = [Date.UTC(2026, 10, 22, 5, 6, 7, 891), 0, -1, Date.UTC(1999, 11, 31, 23, 59, 59, 999), null, undefined];
    const { rows } = await sql<{ a: Date | null; b: Date | null; n: number }>`
      select a, b, n from ${unnest([
        ['a', 'epoch_ms', ms],
        ['b', 'timestamptz', ms.map((m) => (m === null || m === undefined ? null : new Date(m).toISOString()))],
        ['n', 'int4', ms.map((_, i) => i)],
      ])} order by n`.execute(env.db);
    expect(rows.map((r) => r.a?.getTime() ?? null)).toEqual(ms.map((m) => m ?? null));
    expect(rows.map((r) => r.a?.getTime() ?? null)).toEqual(rows.map((r) => r.b?.getTime() ?? null));
    const { rows: withJson } = await sql<{ a: Date; j: unknown }>`
      select a, j from ${unnest([
        ['a', 'epoch_ms', [1_763_790_000_123]],
        ['j', 'jsonb', [{ k: 1 }]],
      ])}`.execute(env.db);
    expect(withJson.map((r) => [r.a.getTime(), r.j])).toEqual([[1_763_790_000_123, { k: 1 }]]);
  });
});
