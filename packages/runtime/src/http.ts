import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { type ServerType, serve } from '@hono/node-server';
import type { Hono } from 'hono';
import type { Registry } from 'prom-client';

/** /healthz (alive), /readyz (dependencies answer), /metrics (Prometheus) for any service. */
export function mountOps(app: Hono<any>, registry: Registry, ready: () => Promise<boolean>): void {
  app.get('/healthz', (c) => c.json({ ok: true }));
  app.get('/readyz', async (c) => {
    const ok = await Promise.race([
      ready().catch(() => false),
      new Promise<boolean>((r) => setTimeout(() => r(false), 2000).unref()),
    ]);
    return c.json({ ok }, ok ? 200 : 503);
  });
  app.get('/metrics', async (c) => c.body(await registry.metrics(), 200, { 'content-type': registry.contentType }));
}

export interface Listening {
  port: number;
  close(): Promise<void>;
}

export interface ListenOptions {
  /**
   * Sees each request first on node:http's own objects, for a hot endpoint that must skip the
   * Request/Response layer; returns true when it answered, false to let the app serve it.
   */
  intercept?: (req: IncomingMessage, res: ServerResponse) => boolean;
}

/** Listens on port (0 picks one) and resolves once bound; close() stops accepting and drains. */
export function listen(app: Hono<any>, port: number, hostname = '::', opts: ListenOptions = {}): Promise<Listening> {
  const { intercept } = opts;
  return new Promise((resolve, reject) => {
    let server: ServerType;
    const onError = (err: Error) => reject(err);
    const custom = intercept
      ? {
          createServer: ((options: object, listener: (req: IncomingMessage, res: ServerResponse) => void) =>
            createServer(options, (req, res) => {
              if (!intercept(req, res)) listener(req, res);
            })) as typeof createServer,
        }
      : {};
    server = serve({ fetch: app.fetch, port, hostname, ...custom }, (info) => {
      const s = server as Server;
      s.off('error', onError);
      // Slow or half-sent requests must not hold sockets forever.
      s.requestTimeout = 10_000;
      s.headersTimeout = 5_000;
      s.keepAliveTimeout = 5_000;
      resolve({
        port: info.port,
        close: () =>
          new Promise<void>((done) => {
            s.close(() => done());
            s.closeIdleConnections();
            setTimeout(() => s.closeAllConnections(), 5_000).unref();
          }),
      });
    });
    (server as Server).once('error', onError);
  });
}
