import { randomInt } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { queryParams } from './query';

const reference = (s: string) => {
  const out = new Map<string, string>();
  for (const [k, v] of new URLSearchParams(s)) if (!out.has(k)) out.set(k, v);
  return out;
};

describe('queryParams', () => {
  it('decodes exactly as URLSearchParams on chosen edge cases', () => {
    const cases = [
      '',
      '?',
      '?site=shop&type=view_item',
      'site=a+b&x=%2B%26%3D&y=%E2%82%AC&z=%F0%9F%98%80',
      '?a=1&a=2&&b&=c&d==e',
      '?bad=%&worse=%zz&x=1',
      '?surrogate=%ED%A0%80&t=%C3%28&ok=%C3%A9',
      '?items=%5B%7B%22id%22%3A%22SKU-1%22%7D%5D',
      '?%73ite=shop&site=other',
      '?nul=%00&plus=a%2Bb+c',
      '?__proto__=x&constructor=y',
    ];
    for (const c of cases) expect(queryParams(c), c).toEqual(reference(c));
  });

  it('agrees with URLSearchParams on random queries', () => {
    const alphabet = ['a', 'b', '=', '&', '+', '%', '2', 'B', 'E', 'C', '3', 'A', '9', '0', 'é', ' ', '?'];
    for (let n = 0; n < 5000; n++) {
      const s = Array.from({ length: randomInt(0, 24) }, () => alphabet[randomInt(alphabet.length)]).join('');
      const q = `?${s}`;
      expect(queryParams(q), q).toEqual(reference(q));
    }
  });
});
