// The two servers bench/pixel.ts compares, each run alone in a child process of its own
// (`--serve=bare|pixel`), so autocannon in the bench process does not share their event loop.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '@rt/config';
import { QueueBackend } from '@rt/queue';

const GIF = Buffer.from('R0lGODlhAQABAIAAAP///wAAACH5BAEAAAAALAAAAAABAAEAAAICRAEAOw==', 'base64');
const ATTRS = 'Path=/; Max-Age=34128000; SameSite=None; Secure; HttpOnly';

async function serveBare(): Promise<void> {
  const server = createServer((req, res) => {
    const vid = /(?:^|;\s*)rt_vid=([^;]+)/.exec(req.headers.cookie ?? '')?.[1] ?? randomUUID();
    const day = Math.floor(Date.now() / 86_400_000);
    res.writeHead(200, {
      'content-type': 'image/gif',
      'cache-control': 'no-store',
      'set-cookie': [`rt_vid=${vid}; ${ATTRS}`, `rt_vd=${day}; ${ATTRS}`],
    });
    res.end(GIF);
  });
  server.listen(0, '127.0.0.1', () => process.stdout.write(`PORT ${(server.address() as { port: number }).port}\n`));
  process.once('SIGTERM', () => server.close(() => process.exit(0)));
}

async function servePixel(): Promise<void> {
  const { startPixel } = await import('../services/pixel/src/server');
  const config = loadConfig({ ...process.env, PIXEL_PORT: '0', LOG_LEVEL: 'silent' });
  const queue = new QueueBackend({
    databaseUrl: config.DATABASE_URL!,
    redisUrl: config.REDIS_URL,
    namespace: process.env.BENCH_NAMESPACE,
  });
  const pixel = await startPixel(config, { queue });
  process.stdout.write(`PORT ${pixel.port}\n`);
  process.once('SIGTERM', () => void pixel.close().then(() => queue.close().then(() => process.exit(0))));
}

export function spawnServer(
  kind: 'bare' | 'pixel',
  env: Record<string, string>,
): Promise<{ port: number; child: ChildProcess }> {
  // BENCH_PIXEL_PROFILE=<dir>: the pixel writes a V8 CPU profile there when it exits.
  const dir = process.env.BENCH_PIXEL_PROFILE;
  const prof = kind === 'pixel' && dir ? ['--cpu-prof', `--cpu-prof-dir=${dir}`] : [];
  const child = spawn(
    process.execPath,
    [...prof, '--import', 'tsx', fileURLToPath(import.meta.url), `--serve=${kind}`],
    {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d) => {
      out += d;
      const m = /PORT (\d+)/.exec(out);
      if (m) resolve({ port: Number(m[1]), child });
    });
    child.once('exit', (code) => reject(new Error(`${kind} server exited (${code})`)));
  });
}

const serve = process.argv.find((a) => a.startsWith('--serve='))?.slice(8);
if (serve === 'bare') await serveBare();
else if (serve === 'pixel') await servePixel();
