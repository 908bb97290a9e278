import { describe, expect, it } from 'vitest';
import { CapsCache } from './caps-cache';
import { CAP_WINDOW_MS, type ShownLoad } from './model';

const V = '00000000-0000-4000-8000-000000000001';
const K = (p: string) => `s\u001f${p}`;
const load = (untilFirstLeavesMs: number | null, ...products: string[]): ShownLoad => ({
  untilFirstLeavesMs,
  impressions: products.map((p, i) => [`ad_${i}`, 0, K(p)]),
});

function liveCache(now: () => number = () => 0, ttlMs?: number) {
  const cache = new CapsCache({ now, ttlMs });
  cache.setLive(true);
  return cache;
}

describe('CapsCache', () => {
  it('serves the counts it loaded, per visitor', () => {
    const cache = liveCache();
    cache.put(V, load(1000, 'P1', 'P1', 'P2'), cache.begin());
    expect(cache.get(V)).toEqual(
      new Map([
        [K('P1'), 2],
        [K('P2'), 1],
      ]),
    );
    expect(cache.get('00000000-0000-4000-8000-000000000002')).toBeUndefined();
  });

  it('expires exactly when the earliest impression leaves the window, measured from before the load', () => {
    let now = 5000;
    const cache = liveCache(() => now);
    const ticket = cache.begin();
    now = 5010; // the load took 10 ms
    cache.put(V, load(1000, 'P1'), ticket);
    now = 5999;
    expect(cache.get(V)).toBeDefined();
    now = 6000;
    expect(cache.get(V)).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('without impressions, an entry lives its TTL', () => {
    let now = 0;
    const cache = liveCache(() => now, 500);
    cache.put(V, load(null), cache.begin());
    now = 499;
    expect(cache.get(V)).toEqual(new Map());
    now = 500;
    expect(cache.get(V)).toBeUndefined();
  });

  it('counts an announced impression once, however often it is heard, and expires by it too', () => {
    let now = 0;
    const cache = liveCache(() => now, 10 * CAP_WINDOW_MS);
    cache.put(V, load(null, 'P1'), cache.begin());
    const imp = { visitorId: V, adId: 'ad_new', at: 100, items: [[0, 's', 'P1'] as [number, string, string]] };
    cache.recorded(imp);
    cache.recorded(imp); // the recording instance counts it at once, then hears it
    cache.recorded({ ...imp, adId: 'ad_0' }); // already in the load
    expect(cache.get(V)?.get(K('P1'))).toBe(2);
    now = 100 + CAP_WINDOW_MS - 1;
    expect(cache.get(V)).toBeDefined();
    now = 100 + CAP_WINDOW_MS;
    expect(cache.get(V)).toBeUndefined();
  });

  it('an announcement without items (too many for NOTIFY) drops the entry', () => {
    const cache = liveCache();
    cache.put(V, load(1000, 'P1'), cache.begin());
    cache.recorded({ visitorId: V, adId: 'ad_x', at: 0, items: null });
    expect(cache.get(V)).toBeUndefined();
  });

  it('never stores a load that an impression or a visitor change overtook', () => {
    const cache = liveCache();
    let ticket = cache.begin();
    cache.recorded({ visitorId: V, adId: 'ad_x', at: 0, items: [[0, 's', 'P1']] });
    cache.put(V, load(1000), ticket);
    expect(cache.get(V)).toBeUndefined();
    ticket = cache.begin();
    cache.invalidate([V]);
    cache.put(V, load(1000), ticket);
    expect(cache.get(V)).toBeUndefined();
    ticket = cache.begin();
    cache.invalidate(['00000000-0000-4000-8000-000000000002']);
    cache.put(V, load(1000), ticket);
    expect(cache.get(V)).toBeDefined();
  });

  it('a visitor change (merge, erasure) drops the entry', () => {
    const cache = liveCache();
    cache.put(V, load(1000, 'P1'), cache.begin());
    cache.invalidate([V]);
    expect(cache.has(V)).toBe(false);
  });

  it('neither serves nor stores while not live, and going off drops everything and loads under way', () => {
    const cache = new CapsCache();
    cache.put(V, load(1000), cache.begin());
    expect(cache.size).toBe(0);
    cache.setLive(true);
    const ticket = cache.begin();
    cache.put(V, load(1000), cache.begin());
    cache.setLive(false);
    expect(cache.get(V)).toBeUndefined();
    cache.setLive(true);
    expect(cache.size).toBe(0);
    cache.put(V, load(1000), ticket);
    expect(cache.size).toBe(0);
  });

  it('keeps at most maxEntries visitors, evicting the least recently used', () => {
    const cache = new CapsCache({ maxEntries: 2, now: () => 0 });
    cache.setLive(true);
    const id = (n: number) => `00000000-0000-4000-8000-00000000000${n}`;
    cache.put(id(1), load(1000), cache.begin());
    cache.put(id(2), load(1000), cache.begin());
    cache.get(id(1));
    cache.put(id(3), load(1000), cache.begin());
    expect(cache.has(id(2))).toBe(false);
    expect(cache.has(id(1))).toBe(true);
    expect(cache.has(id(3))).toBe(true);
  });
});
