import { describe, expect, it } from 'vitest';
import { HistoryCache } from './history-cache';
import type { VisitorProfile } from './model';

const who = (rtVid: string, emailSha256: string | null = null) => ({ rtVid, emailSha256 });
const product = (id: string) => ({ site: 's', id, name: id, price: null, currency: null, url: '', image: null });
const history = (visitorId: string, viewed = ['P1']): VisitorProfile => ({
  visitorId,
  prepared: {
    cart: [],
    viewed: viewed.map((id) => ({ product: product(id), key: `s\u001f${id}` })),
    bought: new Set(),
  },
  sites: new Set(['s']),
});

function liveCache(opts: ConstructorParameters<typeof HistoryCache>[0] = {}) {
  const cache = new HistoryCache(opts);
  cache.setLive(true);
  return cache;
}

describe('HistoryCache', () => {
  it('serves what it stored for the same identity, and nothing for another', () => {
    const cache = liveCache();
    cache.put(who('c1'), history('v1'), ['v1'], cache.begin());
    expect(cache.get(who('c1'))?.visitorId).toBe('v1');
    expect(cache.get(who('c2'))).toBeUndefined();
    expect(cache.get(who('c2', 'e'.repeat(64)))).toBeUndefined();
  });

  it('answers a cookie with an email hash from the cookie alone once that resolved (the cookie wins)', () => {
    const cache = liveCache();
    cache.put(who('c1'), history('v1'), ['v1'], cache.begin());
    expect(cache.get(who('c1', 'e'.repeat(64)))?.visitorId).toBe('v1');
    // An email hash alone is another identity.
    expect(cache.get({ rtVid: null, emailSha256: 'e'.repeat(64) })).toBeUndefined();
  });

  it('neither serves nor stores while announcements are not heard, and losing them drops everything', () => {
    const cache = new HistoryCache();
    cache.put(who('c1'), history('v1'), ['v1'], cache.begin());
    expect(cache.get(who('c1'))).toBeUndefined();
    cache.setLive(true);
    cache.put(who('c1'), history('v1'), ['v1'], cache.begin());
    expect(cache.get(who('c1'))).toBeDefined();
    cache.setLive(false);
    cache.setLive(true);
    expect(cache.get(who('c1'))).toBeUndefined();
  });

  it('an announcement for any visitor of the person drops every entry holding it', () => {
    const cache = liveCache();
    cache.put(who('phone'), history('root'), ['root', 'merged'], cache.begin());
    cache.put(who('laptop'), history('root'), ['root', 'merged'], cache.begin());
    cache.put(who('other'), history('x'), ['x'], cache.begin());
    cache.invalidate(['merged']);
    expect(cache.get(who('phone'))).toBeUndefined();
    expect(cache.get(who('laptop'))).toBeUndefined();
    expect(cache.get(who('other'))).toBeDefined();
    expect(cache.size).toBe(1);
  });

  it('never stores a load that an announcement overtook (read the old rows, heard the change first)', () => {
    const cache = liveCache();
    const began = cache.begin();
    cache.invalidate(['v1']); // the change commits while the query is on its way
    cache.put(who('c1'), history('v1'), ['v1'], began);
    expect(cache.get(who('c1'))).toBeUndefined();
    // An announcement for someone else does not stop it; one heard before the load began does not either.
    const next = cache.begin();
    cache.invalidate(['v2']);
    cache.put(who('c1'), history('v1'), ['v1'], next);
    expect(cache.get(who('c1'))).toBeDefined();
  });

  it('never stores a load begun before the cache was cleared', () => {
    const cache = liveCache();
    const began = cache.begin();
    cache.setLive(false);
    cache.setLive(true);
    cache.put(who('c1'), history('v1'), ['v1'], began);
    expect(cache.get(who('c1'))).toBeUndefined();
  });

  it('reloads after its time to live (catalog edits are not announced per visitor)', () => {
    let now = 0;
    const cache = liveCache({ ttlMs: 1000, now: () => now });
    cache.put(who('c1'), history('v1'), ['v1'], cache.begin());
    now = 1000;
    expect(cache.get(who('c1'))).toBeDefined();
    now = 1001;
    expect(cache.get(who('c1'))).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('keeps at most maxEntries visitors, evicting the least recently used', () => {
    const cache = liveCache({ maxEntries: 2 });
    cache.put(who('a'), history('va'), ['va'], cache.begin());
    cache.put(who('b'), history('vb'), ['vb'], cache.begin());
    cache.get(who('a'));
    cache.put(who('c'), history('vc'), ['vc'], cache.begin());
    expect(cache.get(who('b'))).toBeUndefined();
    expect(cache.get(who('a'))).toBeDefined();
    expect(cache.get(who('c'))).toBeDefined();
    // Evicted entries leave no index behind: an announcement for them finds nothing.
    cache.invalidate(['vb']);
    expect(cache.size).toBe(2);
  });

  it('does not store an unknown identity (a new visitor must be seen as soon as the ingester creates it)', () => {
    const cache = liveCache();
    cache.put(who('new'), { ...history('x'), visitorId: null }, [], cache.begin());
    expect(cache.size).toBe(0);
  });
});
