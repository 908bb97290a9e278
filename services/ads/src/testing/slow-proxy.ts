import { connect, createServer, type Socket } from 'node:net';

export interface SlowProxy {
  /** The database URL rewritten to go through the proxy. */
  url: string;
  /** Delay added to every chunk from the database to the client (ms); change it at any time. */
  delayMs: number;
  close(): Promise<void>;
}

/** A TCP proxy in front of Postgres that delays its answers: a slow database, for real. */
export async function slowProxy(databaseUrl: string, delayMs: number): Promise<SlowProxy> {
  const target = new URL(databaseUrl);
  const sockets = new Set<Socket>();
  const proxy: SlowProxy = { url: '', delayMs, close: async () => {} };
  const server = createServer((client) => {
    const upstream = connect(Number(target.port || 5432), target.hostname);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream);
    upstream.on('data', (chunk) => {
      upstream.pause();
      setTimeout(() => {
        if (!client.destroyed) client.write(chunk);
        upstream.resume();
      }, proxy.delayMs);
    });
    upstream.on('end', () => client.end());
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  const url = new URL(databaseUrl);
  url.hostname = '127.0.0.1';
  url.port = String(port);
  proxy.url = url.toString();
  proxy.close = () =>
    new Promise<void>((r) => {
      for (const s of sockets) s.destroy();
      server.close(() => r());
    });
  return proxy;
}
