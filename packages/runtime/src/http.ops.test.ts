import { Hono } from 'hono';
import { afterEach, describe, expect, it } from 'vitest';
import { type Listening, listen, mountOps } from './http';
import { createRegistry, watchDependencies } from './metrics';

let running: Listening[] = [];
afterEach(async () => {
  for (const l of running) await l.close();
  running = [];
});

function service(placement: { METRICS_PORT?: number; METRICS_HOST?: string }) {
  const registry = createRegistry('test');
  const app = new Hono();
  app.get('/hello', (c) => c.text('hi'));
  app.get('/boom', () => {
    throw new Error('boom');
  });
  app.get('/busy', (c) => c.text('busy', 503));
  app.onError((_err, c) => c.text('internal error', 500));
  mountOps(app, registry, async () => true, placement);
  return { app, registry };
}

const get = (port: number, path: string) => fetch(`http://127.0.0.1:${port}${path}`);

describe('operational endpoints', () => {
  it('share the public port when METRICS_PORT is unset', async () => {
    const { app } = service({});
    const l = await listen(app, 0, '127.0.0.1');
    running.push(l);
    expect(l.opsPort).toBeUndefined();
    for (const path of ['/healthz', '/readyz', '/metrics']) expect((await get(l.port, path)).status).toBe(200);
  });

  it('move to their own listener with METRICS_PORT, and the public port answers 404 for them', async () => {
    const { app } = service({ METRICS_PORT: 0, METRICS_HOST: '127.0.0.1' });
    const l = await listen(app, 0, '127.0.0.1');
    running.push(l);
    expect(l.opsPort).toEqual(expect.any(Number));
    expect(l.opsPort).not.toBe(l.port);
    for (const path of ['/healthz', '/readyz', '/metrics']) {
      expect((await get(l.port, path)).status, path).toBe(404);
      expect((await get(l.opsPort as number, path)).status, path).toBe(200);
    }
    expect(await (await get(l.port, '/hello')).text()).toBe('hi');
    // The service's own routes stay off the ops listener.
    expect((await get(l.opsPort as number, '/hello')).status).toBe(404);
  });

  it('binds only the address METRICS_HOST names', async () => {
    const { app } = service({ METRICS_PORT: 0, METRICS_HOST: '127.0.0.1' });
    const l = await listen(app, 0, '::');
    running.push(l);
    await expect(fetch(`http://[::1]:${l.opsPort}/metrics`)).rejects.toThrow();
    expect((await fetch(`http://[::1]:${l.port}/hello`)).status).toBe(200);
  });

  it('a taken METRICS_PORT fails the start and releases the public port', async () => {
    const first = service({ METRICS_PORT: 0, METRICS_HOST: '127.0.0.1' });
    const a = await listen(first.app, 0, '127.0.0.1');
    running.push(a);
    const { app } = service({ METRICS_PORT: a.opsPort, METRICS_HOST: '127.0.0.1' });
    await expect(listen(app, 0, '127.0.0.1')).rejects.toThrow(/EADDRINUSE/);
  });
});

describe('rt_http_responses_total and rt_dependency_up', () => {
  it('counts every response by status class, thrown errors as 5xx', async () => {
    const { app, registry } = service({});
    const l = await listen(app, 0, '127.0.0.1');
    running.push(l);
    await get(l.port, '/hello');
    await get(l.port, '/boom');
    await get(l.port, '/busy');
    await get(l.port, '/nowhere');
    const text = await registry.metrics();
    expect(text).toContain('rt_http_responses_total{code="2xx",service="test"} 1');
    expect(text).toContain('rt_http_responses_total{code="5xx",service="test"} 2');
    expect(text).toContain('rt_http_responses_total{code="4xx",service="test"} 1');
    expect(text).toContain('rt_http_responses_total{code="3xx",service="test"} 0');
  });

  it('reports 1 for a dependency that answers, 0 for one that fails or hangs', async () => {
    const registry = createRegistry('test');
    watchDependencies(registry, {
      postgres: async () => 1,
      redis: () => Promise.reject(new Error('ECONNREFUSED')),
      slow: () => new Promise(() => {}),
    });
    const text = await registry.metrics();
    expect(text).toContain('rt_dependency_up{dependency="postgres",service="test"} 1');
    expect(text).toContain('rt_dependency_up{dependency="redis",service="test"} 0');
    expect(text).toContain('rt_dependency_up{dependency="slow",service="test"} 0');
  });
});
