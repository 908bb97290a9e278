// `npm start`'s database resolver started from a folder other users cannot enter (root's home, a
// `mktemp -d` folder): as root the embedded PostgreSQL runs as the `postgres` user, which must
// reach its cwd, binaries and data (packages/dev-servers/src/run-as-postgres.ts). CI runs as root.
import { chmodSync, lstatSync, mkdirSync, mkdtempSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EmbeddedPostgresError, folderBlockingOthers, freePort, RELOCATED_ROOT } from '@rt/dev-servers';
import { createTestEnv, runNode, type TestEnv } from '@rt/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkBinaryReachable } from '../packages/dev-servers/src/run-as-postgres';

const ROOT = join(import.meta.dirname, '..');
const asRoot = process.getuid?.() === 0;

// tsx by its path: the private cwd holds no node_modules.
const run = (cwd: string, script: string, env: Record<string, string>) =>
  runNode(['--import', import.meta.resolve('tsx'), '--input-type=module', '-e', script], {
    cwd,
    env,
    timeoutMs: 100_000,
  });

let env: TestEnv;
const cleanup: string[] = [];
beforeAll(async () => {
  env = await createTestEnv();
});
afterAll(async () => {
  for (const p of cleanup) rmSync(p, { recursive: true, force: true });
  await env.close();
});

describe('the embedded PostgreSQL from a folder other users cannot enter', { timeout: 120_000 }, () => {
  it('starts, answers and stops, with its data where the postgres user can reach it', async () => {
    const home = mkdtempSync(join(tmpdir(), 'rt-private-'));
    cleanup.push(home);
    expect((lstatSync(home).mode & 0o777).toString(8)).toBe('700');
    const dataDir = join(home, 'data');
    const port = await freePort();
    const script = `
      import pg from 'pg';
      import { loadConfig } from ${JSON.stringify(join(ROOT, 'packages/config/src/index.ts'))};
      import { resolveDatabase } from ${JSON.stringify(join(ROOT, 'infra/dev/postgres.ts'))};
      const db = await resolveDatabase(loadConfig(), (m) => console.log(m), ${port});
      const client = new pg.Client({ connectionString: db.url });
      await client.connect();
      const { rows } = await client.query('select 1 as one');
      await client.end();
      await db.stop();
      console.log('answered', rows[0].one);`;
    // pg resolves from the repository (the script's imports), not from the private cwd.
    const r = await run(
      home,
      script.replace("from 'pg'", `from ${JSON.stringify(join(ROOT, 'node_modules/pg/lib/index.js'))}`),
      {
        DATA_DIR: dataDir,
      },
    );
    const link = join(dataDir, 'pg');
    if (asRoot && lstatSync(link, { throwIfNoEntry: false })?.isSymbolicLink()) cleanup.push(readlinkSync(link));
    expect(r.stderr).not.toMatch(/EACCES/);
    expect(r.stdout).toContain('answered 1');
    expect(r.code).toBe(0);
    if (asRoot) {
      expect(lstatSync(link).isSymbolicLink()).toBe(true);
      expect(readlinkSync(link).startsWith(`${RELOCATED_ROOT}/pg-`)).toBe(true);
      expect(r.stdout).toContain(
        `cannot enter ${home} (mode 700), so the embedded cluster lives in ${readlinkSync(link)}`,
      );
    }
  });

  it('says in one line what to do when the postgres user cannot reach the binaries', () => {
    const home = mkdtempSync(join(tmpdir(), 'rt-private-'));
    cleanup.push(home);
    mkdirSync(join(home, 'repo/bin'), { recursive: true });
    chmodSync(join(home, 'repo'), 0o755);
    expect(folderBlockingOthers(join(home, 'repo/bin'))).toBe(home);
    let error: unknown;
    try {
      checkBinaryReachable(join(home, 'repo/bin/initdb'));
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(EmbeddedPostgresError);
    const message = (error as Error).message;
    expect(message.split('\n')).toHaveLength(1);
    expect(message).toContain(`cannot enter ${home} (mode 700)`);
    expect(message).toMatch(/put the repository where other users can enter .*or set DATABASE_URL/);
    expect(folderBlockingOthers(ROOT)).toBeNull();
  });
});
