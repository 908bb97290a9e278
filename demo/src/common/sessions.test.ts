import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { SessionStore } from './sessions';

function appWith(store: SessionStore<{ n: number }>) {
  const app = new Hono();
  app.get('/peek', (c) => c.text(String(store.peek(c)?.n ?? 'none')));
  app.post('/touch', (c) => c.text(String(++store.ensure(c).n)));
  return app;
}

const cookieOf = (res: Response) => res.headers.get('set-cookie')!.split(';')[0]!;

describe('SessionStore', () => {
  it('creates a session only when asked to, and finds it again by its cookie', async () => {
    const store = new SessionStore('sid', () => ({ n: 0 }));
    const app = appWith(store);
    const peek = await app.request('/peek');
    expect(await peek.text()).toBe('none');
    expect(peek.headers.get('set-cookie')).toBeNull();
    const first = await app.request('/touch', { method: 'POST' });
    const cookie = cookieOf(first);
    const second = await app.request('/touch', { method: 'POST', headers: { cookie } });
    expect(await second.text()).toBe('2');
    expect(second.headers.get('set-cookie')).toBeNull();
    expect(await (await app.request('/peek', { headers: { cookie: 'sid=forged' } })).text()).toBe('none');
  });

  it('drops the least recently used session past its maximum', async () => {
    const store = new SessionStore('sid', () => ({ n: 0 }), 2);
    const app = appWith(store);
    const a = cookieOf(await app.request('/touch', { method: 'POST' }));
    const b = cookieOf(await app.request('/touch', { method: 'POST' }));
    await app.request('/peek', { headers: { cookie: a } }); // a is now more recent than b
    await app.request('/touch', { method: 'POST' });
    expect(store.size).toBe(2);
    expect(await (await app.request('/peek', { headers: { cookie: a } })).text()).toBe('1');
    expect(await (await app.request('/peek', { headers: { cookie: b } })).text()).toBe('none');
  });
});
