import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { type ServerType, serve } from '@hono/node-server';
import { Hono } from 'hono';
import type { Registry } from 'prom-client';
import { createResponseCounts, type ResponseCounts } from './metrics';

/**
 * Where the operational endpoints answer. Without METRICS_PORT they share the service's public
 * port; with it they get a listener of their own (METRICS_HOST, default every address) and the
 * public port answers 404 for them, so only the cluster network reaches them.
 */
export interface OpsPlacement {
  METRICS_PORT?: number;
  METRICS_HOST?: string;
}

interface Ops {
  app: Hono;
  placement: OpsPlacement;
  responses: ResponseCounts;
}

// The ops app of each service app, for `listen` to place it and count the app's responses.
const opsOf = new WeakMap<Hono<any>, Ops>();

/** /healthz (alive), /readyz (dependencies answer), /metrics (Prometheus) for any service. */
export function mountOps(
  app: Hono<any>,
  registry: Registry,
  ready: () => Promise<boolean>,
  placement: OpsPlacement = {},
): void {
  const ops = new Hono();
  ops.get('/healthz', (c) => c.json({ ok: true }));
  ops.get('/readyz', async (c) => {
    const ok = await Promise.race([
      ready().catch(() => false),
      new Promise<boolean>((r) => setTimeout(() => r(false), 2000).unref()),
    ]);
    return c.json({ ok }, ok ? 200 : 503);
  });
  ops.get('/metrics', async (c) => c.body(await registry.metrics(), 200, { 'content-type': registry.contentType }));
  opsOf.set(app, { app: ops, placement, responses: createResponseCounts(registry) });
  if (placement.METRICS_PORT === undefined) app.route('/', ops);
}

export interface Listening {
  port: number;
  /** The operational endpoints' own port, when METRICS_PORT placed them apart. */
  opsPort?: number;
  close(): Promise<void>;
}

export interface ListenOptions {
  /**
   * Sees each request first on node:http's own objects, for a hot endpoint that must skip the
   * Request/Response layer; returns true when it answered, false to let the app serve it.
   */
  intercept?: (req: IncomingMessage, res: ServerResponse) => boolean;
}

/**
 * Listens on port (0 picks one) and resolves once bound; close() stops accepting and drains.
 * An app with mountOps counts its responses by status class, and gets its ops listener here.
 */
export async function listen(
  app: Hono<any>,
  port: number,
  hostname = '::',
  opts: ListenOptions = {},
): Promise<Listening> {
  const ops = opsOf.get(app);
  const count = ops ? (status: number) => ops.responses.inc(status) : undefined;
  const fetch: typeof app.fetch = count
    ? (req, ...rest) => {
        const res = app.fetch(req, ...rest);
        if (!(res instanceof Promise)) {
          count(res.status);
          return res;
        }
        return res.then((r) => {
          count(r.status);
          return r;
        });
      }
    : app.fetch;
  const { intercept } = opts;
  const answered =
    intercept && count
      ? (req: IncomingMessage, res: ServerResponse) => {
          if (!intercept(req, res)) return false;
          count(res.statusCode);
          return true;
        }
      : intercept;
  const main = await bind(fetch, port, hostname, answered);
  const opsPort = ops?.placement.METRICS_PORT;
  if (ops === undefined || opsPort === undefined) return main;
  let side: Listening;
  try {
    side = await bind(ops.app.fetch, opsPort, ops.placement.METRICS_HOST ?? '::');
  } catch (err) {
    await main.close();
    throw err;
  }
  return {
    port: main.port,
    opsPort: side.port,
    close: async () => {
      await main.close();
      await side.close();
    },
  };
}

function bind(
  fetch: Hono['fetch'],
  port: number,
  hostname: string,
  intercept?: ListenOptions['intercept'],
): Promise<Listening> {
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
    server = serve({ fetch, port, hostname, ...custom }, (info) => {
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
