import { createHash, randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createDb, migrateToLatest } from '@rt/db';
import { findOrStartServers, withDatabase } from '@rt/dev-servers';
import pg from 'pg';
import type { TestProject } from 'vitest/node';

/** The template's name changes whenever a migration file changes, so stale templates are never used. */
function templateName(root: string): string {
  const dir = join(root, 'migrations');
  const hash = createHash('sha256');
  for (const f of readdirSync(dir).sort()) hash.update(f).update(readFileSync(join(dir, f)));
  return `rt_template_${hash.digest('hex').slice(0, 12)}`;
}

/**
 * Finds PostgreSQL and Redis (env, then the standard local ports, else starts its own),
 * and prepares a migrated template database that each test file clones.
 */
export default async function setup(project: TestProject) {
  const { adminUrl, redisUrl, stop } = await findOrStartServers();

  const template = templateName(project.config.root);
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`select pg_advisory_lock(hashtext('rt:test-template'))`);
  try {
    const exists = await admin.query('select 1 from pg_database where datname = $1', [template]);
    if (exists.rowCount === 0) {
      await admin.query(`create database ${template}`);
      const db = createDb(withDatabase(adminUrl, template), { max: 2 });
      try {
        await migrateToLatest(db);
      } catch (err) {
        await db.destroy();
        await admin.query(`drop database ${template}`);
        throw err;
      }
      await db.destroy();
    }
  } finally {
    await admin.query(`select pg_advisory_unlock(hashtext('rt:test-template'))`);
    await admin.end();
  }

  project.provide('rtAdminUrl', adminUrl);
  project.provide('rtRedisUrl', redisUrl);
  project.provide('rtTemplate', template);
  // Test files clone databases named after this run; they are dropped together at the end, since
  // DROP DATABASE forces a checkpoint that costs seconds each on a busy server.
  const run = randomBytes(3).toString('hex');
  project.provide('rtRun', run);

  return async () => {
    const client = new pg.Client({ connectionString: adminUrl });
    await client.connect();
    const { rows } = await client.query<{ datname: string }>(
      `select datname from pg_database where datname like 'rt\\_test\\_${run}\\_%'`,
    );
    for (const { datname } of rows) await client.query(`drop database if exists ${datname} with (force)`);
    await client.end();
    await stop();
  };
}

declare module 'vitest' {
  export interface ProvidedContext {
    rtAdminUrl: string;
    rtRedisUrl: string;
    rtTemplate: string;
    rtRun: string;
  }
}
