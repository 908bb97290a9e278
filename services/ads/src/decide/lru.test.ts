import { describe, expect, it } from 'vitest';
import { Lru } from './lru';

describe('Lru', () => {
  it('evicts the least recently used past max, and tells onDrop of every entry dropped one by one', () => {
    const dropped: string[] = [];
    const lru = new Lru<number>(2, (key, n) => dropped.push(`${key}=${n}`));
    lru.set('a', 1);
    lru.set('b', 2);
    expect(lru.use('a')).toBe(1); // 'b' is now the least recently used
    lru.set('c', 3);
    expect(dropped).toEqual(['b=2']);
    expect(lru.peek('b')).toBeUndefined();
    lru.set('a', 10); // replaced
    lru.delete('c');
    lru.delete('missing');
    expect(dropped).toEqual(['b=2', 'a=1', 'c=3']);
    expect(lru.size).toBe(1);
    lru.clear();
    expect(lru.size).toBe(0);
    expect(dropped).toHaveLength(3);
  });

  it('peek does not mark an entry used', () => {
    const lru = new Lru<number>(2);
    lru.set('a', 1);
    lru.set('b', 2);
    expect(lru.peek('a')).toBe(1);
    lru.set('c', 3);
    expect(lru.has('a')).toBe(false);
    expect(lru.has('b')).toBe(true);
  });
});
