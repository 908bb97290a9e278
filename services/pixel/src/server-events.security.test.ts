import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import type { QueuedEvent } from '@rt/events';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../../packages/cli/src/testing/run-cli';
import { type PixelFixture, pixelFixture, postEvents } from './testing/pixel-fixture';

let f: PixelFixture;
let logs = '';
let shopKey = '';
let otherKey = '';
const capture = new Writable({
  write(chunk, _enc, done) {
    logs += chunk.toString();
    done();
  },
});

const cli = (...args: string[]) => runCli(args, { databaseUrl: f.env.databaseUrl });
const newKey = async (site: string) => {
  const res = await cli('sites', 'key', site);
  expect(res.code).toBe(0);
  return res.stdout.trim().split('\n').at(-1)!;
};
/** A backend's request: no Origin, no cookie, its own user agent. */
const fromBackend = (auth: string | undefined, body: unknown, headers: Record<string, string> = {}) =>
  postEvents(f.app, body, {
    origin: '',
    'user-agent': 'shop-backend/1.0 (node)',
    ...(auth === undefined ? {} : { authorization: auth }),
    ...headers,
  });
const purchase = (extra: Record<string, unknown> = {}) => ({
  site: 'shop',
  events: [
    {
      event_id: randomUUID(),
      type: 'purchase',
      transaction_id: `T-${randomUUID()}`,
      value: 10,
      currency: 'EUR',
      ...extra,
    },
  ],
});
const queued = async (eventId: string): Promise<QueuedEvent[]> =>
  (await f.ingestJobs()).flatMap((j) => j.events as QueuedEvent[]).filter((e) => e.event_id === eventId);

beforeAll(async () => {
  f = await pixelFixture('redis', { logger: pino({ level: 'trace' }, capture) });
  await f.env.db.insertInto('sites').values({ id: 'other', name: 'Other', allowed_origins: [] }).execute();
  shopKey = await newKey('shop');
  otherKey = await newKey('other');
  await f.deps.sites.refresh();
});
afterAll(() => f.close());

describe('server-side events: the site key', () => {
  it('is printed alone on the last line, prefixed, and stored only as its SHA-256', async () => {
    expect(shopKey).toMatch(/^rtk_[A-Za-z0-9_-]{43}$/);
    const rows = await f.env.db.selectFrom('site_keys').selectAll().execute();
    expect(rows).toHaveLength(2);
    expect(JSON.stringify(rows)).not.toContain(shopKey);
    expect(JSON.stringify(rows)).not.toContain(shopKey.slice(4));
  });

  it('lets a backend post without Origin, the visitor named by rt_vid', async () => {
    const vid = randomUUID();
    const body = purchase({ rt_vid: vid });
    const res = await fromBackend(`Bearer ${shopKey}`, body);
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ accepted: 1, rejected: [] });
    expect(res.headers.get('set-cookie')).toBeNull();
    const [e] = await queued(body.events[0]!.event_id);
    expect(e).toMatchObject({ vid, cookie_state: 'present', is_bot: false });
  });

  it.each([
    ['no scheme', () => shopKey],
    ['Basic', () => `Basic ${Buffer.from(`shop:${shopKey}`).toString('base64')}`],
    ['an empty bearer', () => 'Bearer '],
    ['a wrong key', () => `Bearer rtk_${'A'.repeat(43)}`],
    ['the key with a character changed', () => `Bearer ${shopKey.slice(0, -1)}${shopKey.endsWith('A') ? 'B' : 'A'}`],
    ["another site's key", () => `Bearer ${otherKey}`],
  ])('answers 401 to %s, queueing nothing', async (_name, auth) => {
    const body = purchase({ rt_vid: randomUUID() });
    const res = await fromBackend(auth(), body);
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Bearer');
    expect(await queued(body.events[0]!.event_id)).toEqual([]);
  });

  it('answers 401 to a wrong key even from an allowed Origin (a stale key must be heard of)', async () => {
    const res = await postEvents(f.app, purchase(), { authorization: 'Bearer rtk_stale' });
    expect(res.status).toBe(401);
  });

  it('never takes rt_vid from an unauthenticated request', async () => {
    const victim = randomUUID();
    const body = purchase({ rt_vid: victim });
    const res = await fromBackend(undefined, body);
    expect(res.status).toBe(202);
    const [e] = await queued(body.events[0]!.event_id);
    expect(e?.vid).not.toBe(victim);
  });

  it('refuses a malformed rt_vid per event', async () => {
    const res = await fromBackend(`Bearer ${shopKey}`, purchase({ rt_vid: 'not-a-uuid' }));
    expect(res.status).toBe(202);
    expect((await res.json()).rejected).toEqual([{ index: 0, reason: expect.stringMatching(/^rt_vid: /) }]);
  });

  it('stops a rotated key and a revoked one at the next refresh', async () => {
    const old = shopKey;
    shopKey = await newKey('shop');
    await f.deps.sites.refresh();
    expect((await fromBackend(`Bearer ${old}`, purchase())).status).toBe(401);
    expect((await fromBackend(`Bearer ${shopKey}`, purchase())).status).toBe(202);
    const revoked = await cli('sites', 'key', 'shop', '--revoke');
    expect(revoked.stdout).toBe('revoked the key of shop\n');
    await f.deps.sites.refresh();
    expect((await fromBackend(`Bearer ${shopKey}`, purchase())).status).toBe(401);
    shopKey = await newKey('shop');
    await f.deps.sites.refresh();
  });

  it('refuses keys for unknown or removed sites at the CLI', async () => {
    expect((await cli('sites', 'key', 'nope')).stderr).toMatch(/unknown site "nope"/);
    expect((await cli('sites', 'key', 'Bad Id')).code).not.toBe(0);
  });

  it('never writes a key to the logs or the rejected-event records', async () => {
    const body = purchase();
    await fromBackend(`Bearer ${shopKey}x`, body);
    await fromBackend(`Bearer ${otherKey}`, body);
    const rejected = (await f.ingestJobs()).flatMap((j) => j.rejected ?? []);
    expect(rejected.some((r) => r.reason === 'invalid site key')).toBe(true);
    const everything = `${logs}${JSON.stringify(rejected)}`;
    for (const key of [shopKey, otherKey]) expect(everything).not.toContain(key.slice(4));
  });
});
