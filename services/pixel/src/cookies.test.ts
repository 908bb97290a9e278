import { describe, expect, it } from 'vitest';
import { dayNumber, optOutCookies, parseCookies, resolveVisitor } from './cookies';

const NOW = new Date('2026-11-22T10:00:00Z');
const VID = '6f1c2a9e-3b4d-4e5f-8a7b-1c2d3e4f5a6b';
const ATTRS = 'Path=/; Max-Age=34128000; SameSite=None; Secure; HttpOnly';
const base = { cookie: null, gpc: null, issuedBefore: false, now: NOW };

describe('rt_vid lifecycle', () => {
  it('issues a new UUID v4 cookie with exactly the documented attributes', () => {
    const v = resolveVisitor(base);
    expect(v.state).toBe('new');
    expect(v.vid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(v.setCookies).toEqual([`rt_vid=${v.vid}; ${ATTRS}`, `rt_vd=${dayNumber(NOW)}; ${ATTRS}`]);
  });

  it('adds Domain when COOKIE_DOMAIN is set', () => {
    const v = resolveVisitor({ ...base, domain: 'example.com' });
    expect(v.setCookies[0]).toBe(`rt_vid=${v.vid}; ${ATTRS}; Domain=example.com`);
  });

  it('reads a present cookie and refreshes it at most once a day', () => {
    const today = resolveVisitor({ ...base, cookie: `rt_vid=${VID}; rt_vd=${dayNumber(NOW)}` });
    expect(today).toMatchObject({ vid: VID, state: 'present', setCookies: [] });
    const yesterday = resolveVisitor({ ...base, cookie: `rt_vid=${VID}; rt_vd=${dayNumber(NOW) - 1}` });
    expect(yesterday.vid).toBe(VID);
    expect(yesterday.setCookies[0]).toBe(`rt_vid=${VID}; ${ATTRS}`);
    expect(resolveVisitor({ ...base, cookie: `rt_vid=${VID}` }).setCookies).toHaveLength(2);
  });

  it('replaces a malformed value with a new id', () => {
    for (const bad of ['x', `${VID}x`, VID.toUpperCase(), '6f1c2a9e-3b4d-1e5f-8a7b-1c2d3e4f5a6b', '']) {
      const v = resolveVisitor({ ...base, cookie: `rt_vid=${bad}` });
      expect(v.state).toBe('new');
      expect(v.vid).not.toBe(bad);
      expect(v.setCookies[0]).toContain(`rt_vid=${v.vid};`);
    }
  });

  it('calls a missing cookie blocked when the tag says one was issued before', () => {
    const v = resolveVisitor({ ...base, issuedBefore: true });
    expect(v).toMatchObject({ state: 'blocked', vid: null });
    expect(v.setCookies).toHaveLength(2);
    expect(resolveVisitor({ ...base, issuedBefore: true, cookie: `rt_vid=${VID}` }).state).toBe('present');
  });

  it('neither reads nor sets rt_vid for Sec-GPC: 1 or rt_optout=1', () => {
    for (const input of [
      { ...base, gpc: '1', cookie: `rt_vid=${VID}` },
      { ...base, cookie: `rt_optout=1; rt_vid=${VID}` },
    ]) {
      expect(resolveVisitor(input)).toEqual({ vid: null, presentVid: null, state: 'optout', setCookies: [] });
    }
    expect(resolveVisitor({ ...base, gpc: '0' }).state).toBe('new');
  });

  it('opt-out expires rt_vid and sets rt_optout for 5 years with the same attributes', () => {
    expect(optOutCookies()).toEqual([
      'rt_vid=; Path=/; Max-Age=0; SameSite=None; Secure; HttpOnly',
      'rt_vd=; Path=/; Max-Age=0; SameSite=None; Secure; HttpOnly',
      'rt_optout=1; Path=/; Max-Age=157680000; SameSite=None; Secure; HttpOnly',
    ]);
  });

  it('parses cookie headers without prototype surprises, first value winning', () => {
    const jar = parseCookies('__proto__=1; constructor=2; a=1; a=2; junk; =x; b = 3 ');
    expect(jar.get('__proto__')).toBe('1');
    expect(jar.get('a')).toBe('1');
    expect(jar.get('b')).toBe('3');
    expect(({} as any).polluted).toBeUndefined();
  });
});
