import { describe, expect, it } from 'vitest';
import { UnavailableError } from '../errors';
import { DEFAULT_IMPRESSION_BATCH, ImpressionBatcher, type ImpressionBatchOptions } from './impression-batcher';
import type { ImpressionRecord, Inserted } from './impressions';

const record = (adId: string, items = 1): ImpressionRecord => ({
  adId,
  partner: 'news',
  slot: 's',
  visitorId: null,
  items: Array.from({ length: items }, (_, i): ImpressionRecord['items'][number] => ['shop', `P${i}`, 'popular']),
  at: 0,
});

/** A writer whose statements the test commits (or fails) one by one; each inserts every row once. */
function writer() {
  const written = new Set<string>();
  const calls: Array<{ ads: string[]; commit: () => void; fail: (err: unknown) => void }> = [];
  const write = (records: ImpressionRecord[]) =>
    new Promise<Inserted[]>((resolve, reject) => {
      calls.push({
        ads: records.map((r) => r.adId),
        commit: () =>
          resolve(
            records.map((r) => {
              if (written.has(r.adId)) return [];
              written.add(r.adId);
              return r.items.map(([site, product], position) => [position, site, product]);
            }),
          ),
        fail: reject,
      });
    });
  return { write, calls };
}

const tick = () => new Promise((r) => setTimeout(r, 0));

describe('ImpressionBatcher', () => {
  const opts = (o: Partial<ImpressionBatchOptions>) => ({ ...DEFAULT_IMPRESSION_BATCH, maxWaitMs: 60_000, ...o });

  it('sends a batch when full (ads or rows), keeps at most maxInFlight, and sends what waited when one commits', async () => {
    const w = writer();
    const b = new ImpressionBatcher(w.write, opts({ maxRecords: 2, maxRows: 10, maxInFlight: 1 }));
    const answers = ['a', 'b', 'c', 'd', 'e'].map((ad) => b.record(record(ad)));
    await tick();
    expect(w.calls.map((c) => c.ads)).toEqual([['a', 'b']]);
    expect(b.backlog).toEqual({ queued: 3, inFlight: 1 });
    w.calls[0]!.commit();
    await tick();
    // Everything that waited goes at once, within the bounds.
    expect(w.calls.map((c) => c.ads)).toEqual([
      ['a', 'b'],
      ['c', 'd'],
    ]);
    w.calls[1]!.commit();
    await tick();
    w.calls[2]!.commit();
    expect((await Promise.all(answers)).map((a) => a.length)).toEqual([1, 1, 1, 1, 1]);

    const big = new ImpressionBatcher(w.write, opts({ maxRows: 60 }));
    void big.record(record('f', 50));
    void big.record(record('g', 50));
    await tick();
    expect(w.calls.slice(3).map((c) => c.ads)).toEqual([['f'], ['g']]);
  });

  it('a replay of an ad waiting or being written rides along: no place in a batch, answered by its commit', async () => {
    const w = writer();
    const b = new ImpressionBatcher(w.write, opts({ maxRecords: 3, maxInFlight: 1 }));
    const answers = [b.record(record('a')), b.record(record('a')), b.record(record('b'))];
    expect(b.backlog).toEqual({ queued: 3, inFlight: 0 });
    answers.push(b.record(record('c'))); // full at the third ad: the replay took no place
    await tick();
    expect(w.calls.map((c) => c.ads)).toEqual([['a', 'b', 'c']]);
    // Replays arriving while the batch is written ride along with it too.
    answers.push(b.record(record('b')), b.record(record('c')));
    let answered = 0;
    for (const a of answers) void a.then(() => answered++);
    await tick();
    expect(answered).toBe(0); // nothing is answered before the commit
    expect(w.calls).toHaveLength(1);
    w.calls[0]!.commit();
    expect((await Promise.all(answers)).map((a) => a.length)).toEqual([1, 0, 1, 1, 0, 0]);
    // Once committed, a replay is a batch of its own again (and inserts nothing).
    const later = b.record(record('a'));
    const closed = b.close(); // sends it now, without waiting for more ads
    await tick();
    expect(w.calls[1]!.ads).toEqual(['a']);
    w.calls[1]!.commit();
    expect(await later).toEqual([]);
    await closed;
    expect(b.backlog).toEqual({ queued: 0, inFlight: 0 });
  });

  it('a replay riding along a failed batch fails with it, and a retry records the ad once', async () => {
    const w = writer();
    const b = new ImpressionBatcher(w.write, opts({ maxRecords: 1 }));
    const first = b.record(record('a')).catch((err: Error) => err.message);
    const replay = b.record(record('a')).catch((err: Error) => err.message);
    await tick();
    w.calls[0]!.fail(new Error('boom'));
    expect([await first, await replay]).toEqual(['boom', 'boom']);
    const retry = b.record(record('a'));
    await tick();
    w.calls[1]!.commit();
    expect((await retry).length).toBe(1);
  });

  it('fails every ad of a failed batch with its error', async () => {
    const w = writer();
    const b = new ImpressionBatcher(w.write, opts({ maxRecords: 2 }));
    const answers = [b.record(record('a')), b.record(record('b'))].map((p) => p.catch((err: Error) => err.message));
    await tick();
    w.calls[0]!.fail(new Error('boom'));
    expect(await Promise.all(answers)).toEqual(['boom', 'boom']);
  });

  it('refuses past maxQueued, and after close; close writes what waits', async () => {
    const w = writer();
    const b = new ImpressionBatcher(w.write, opts({ maxQueued: 2 }));
    const answers = [b.record(record('a')), b.record(record('b'))];
    await expect(b.record(record('c'))).rejects.toBeInstanceOf(UnavailableError);
    const closed = b.close();
    await tick();
    expect(w.calls.map((c) => c.ads)).toEqual([['a', 'b']]);
    await expect(b.record(record('d'))).rejects.toBeInstanceOf(UnavailableError);
    w.calls[0]!.commit();
    await closed;
    expect((await Promise.all(answers)).map((a) => a.length)).toEqual([1, 1]);
  });
});
