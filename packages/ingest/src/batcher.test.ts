import { describe, expect, it } from 'vitest';
import { Batcher } from './batcher';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('Batcher', () => {
  it('writes items together once the size is reached, without waiting for the timer', async () => {
    const batches: number[][] = [];
    const b = new Batcher<number>({
      maxSize: 3,
      maxWaitMs: 10_000,
      sizeOf: () => 1,
      write: async (xs) => void batches.push(xs),
    });
    await Promise.all([1, 2, 3].map((x) => b.add(x)));
    expect(batches).toEqual([[1, 2, 3]]);
  });

  it('writes a partial batch after maxWaitMs, and fills the next one while a write is in flight', async () => {
    const batches: number[][] = [];
    let release: () => void = () => {};
    const b = new Batcher<number>({
      maxSize: 100,
      maxWaitMs: 5,
      sizeOf: () => 1,
      write: async (xs) => {
        batches.push(xs);
        if (batches.length === 1) await new Promise<void>((r) => (release = r));
        return undefined;
      },
    });
    const first = b.add(1);
    await sleep(20);
    const rest = [2, 3, 4].map((x) => b.add(x));
    await sleep(20);
    expect(batches).toEqual([[1]]);
    release();
    await Promise.all([first, ...rest]);
    expect(batches).toEqual([[1], [2, 3, 4]]);
  });

  it('rejects every item of a failed batch, or only the items the writer reports', async () => {
    const all = new Batcher<number>({
      maxSize: 2,
      maxWaitMs: 1,
      sizeOf: () => 1,
      write: async () => Promise.reject(new Error('db down')),
    });
    const r = await Promise.allSettled([all.add(1), all.add(2)]);
    expect(r.map((x) => x.status)).toEqual(['rejected', 'rejected']);
    const some = new Batcher<number>({
      maxSize: 2,
      maxWaitMs: 1,
      sizeOf: () => 1,
      write: async (xs) => xs.map((x) => (x === 2 ? new Error('bad') : undefined)),
    });
    const s = await Promise.allSettled([some.add(1), some.add(2)]);
    expect(s.map((x) => x.status)).toEqual(['fulfilled', 'rejected']);
  });

  it('never exceeds maxSize except for a single oversized item, and flush() drains everything', async () => {
    const batches: number[][] = [];
    const b = new Batcher<number>({
      maxSize: 10,
      maxWaitMs: 1000,
      sizeOf: (x) => x,
      write: async (xs) => void batches.push(xs),
    });
    const done = [4, 4, 4, 30, 1].map((x) => b.add(x));
    await b.flush();
    await Promise.all(done);
    expect(batches).toEqual([[4, 4], [4], [30], [1]]);
  });
});
