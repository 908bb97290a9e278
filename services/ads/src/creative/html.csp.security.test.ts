import { describe, expect, it } from 'vitest';
import { ancestorSource, creativeCsp } from './html';
import { SIZES } from './sizes';

describe('frame-ancestors of the creative', () => {
  it('names host origins exactly', () => {
    const csp = creativeCsp(SIZES['300x250']!, ['https://news.example', 'http://127.0.0.1:3001']);
    expect(csp).toContain('frame-ancestors https://news.example http://127.0.0.1:3001;');
  });

  it('allows an IPv6-literal origin (which CSP cannot name) by scheme and port', () => {
    expect(ancestorSource('http://[::1]:3001')).toBe('http://*:3001');
    expect(ancestorSource('https://[2001:db8::1]')).toBe('https://*');
    expect(creativeCsp(SIZES['300x250']!, ['http://[::1]:3001'])).toContain('frame-ancestors http://*:3001;');
  });

  it('frames nowhere for a partner without allowed origins', () => {
    expect(creativeCsp(SIZES['300x250']!, [])).toContain("frame-ancestors 'none';");
  });
});
