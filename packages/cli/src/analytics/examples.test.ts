import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createPool } from '@rt/db';
import { createTestEnv, type TestEnv } from '@rt/testkit';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generate } from '../generate/generate';
import { EXAMPLES, fillPlaceholders } from './examples';

let env: TestEnv;
let email: string;
const doc = readFileSync(join(import.meta.dirname, '../../../../docs/schema.md'), 'utf8');

beforeAll(async () => {
  env = await createTestEnv();
  const pool = createPool(env.databaseUrl, { max: 12 });
  try {
    await generate(pool, env.db, { events: 3000, days: 10, sites: 2, partners: 2, products: 200, seed: 7 });
  } finally {
    await pool.end();
  }
  const row = await env.db
    .selectFrom('identities')
    .select('value')
    .where('kind', '=', 'email_sha256')
    .executeTakeFirstOrThrow();
  email = row.value;
});
afterAll(() => env.close());

describe('documented example queries', () => {
  it.each(EXAMPLES.map((e) => [e.name, e.sql]))('"%s" is in docs/schema.md verbatim', (_name, text) => {
    expect(doc).toContain(text);
  });

  it.each(EXAMPLES.map((e) => [e.name, e.sql]))('"%s" runs and finds rows', async (_name, text) => {
    const { rows } = await sql.raw(fillPlaceholders(text, { email_sha256: email })).execute(env.db);
    expect(rows.length).toBeGreaterThan(0);
  });
});
