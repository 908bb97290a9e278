import { randomInt } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { normalizeOrigin } from './sites';

// What normalizeOrigin did before its fast path, for every input.
const reference = (value: string) => {
  try {
    const u = new URL(value);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') return null;
    return u.origin.toLowerCase();
  } catch {
    return null;
  }
};

describe('normalizeOrigin', () => {
  it('agrees with the URL parser on chosen edge cases', () => {
    const cases = [
      'https://shop.example/p/1?x=1#y',
      'HTTPS://Shop.Example',
      'https://shop.example:443/',
      'http://shop.example:8080',
      'https://127.1/',
      'https://0x7f.1/',
      'https://a.b.1/',
      'https://shop.example./',
      'https://user@shop.example/',
      'https://xn--bcher-kva.example/',
      'https://bücher.example/',
      'https://shop.example\\evil',
      'https:shop.example',
      'https:///shop.example',
      'ftp://shop.example',
      'javascript:alert(1)',
      'https://-a.example',
      'https://shop..example',
      'https://%73hop.example',
      'https://shop.example?',
      ' https://shop.example',
      '',
    ];
    for (const c of cases) expect(normalizeOrigin(c), c).toBe(reference(c));
  });

  it('agrees with the URL parser on random URLs', () => {
    const parts = [
      'http',
      'https',
      'HTTP',
      ':',
      '//',
      '/',
      'shop',
      '.',
      'example',
      '1',
      '0x',
      '-',
      ':8080',
      '@',
      '?',
      '#',
      'é',
      '%41',
      '\\',
      ' ',
    ];
    for (let n = 0; n < 5000; n++) {
      const scheme = ['https://', 'http://', 'HTTP://', ''][randomInt(4)];
      const s = scheme + Array.from({ length: randomInt(1, 10) }, () => parts[randomInt(parts.length)]).join('');
      expect(normalizeOrigin(s), s).toBe(reference(s));
    }
  });
});
