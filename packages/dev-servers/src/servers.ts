import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { Redis } from 'ioredis';
import pg from 'pg';

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
