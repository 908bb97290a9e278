import { randomUUID } from 'node:crypto';
import type { CookieState } from '@rt/events';

export const VID_COOKIE = 'rt_vid';
/** Day (since the epoch) the visitor cookie was last issued, so it is refreshed at most once a day. */
export const VID_DAY_COOKIE = 'rt_vd';
export const OPTOUT_COOKIE = 'rt_optout';
export const VID_MAX_AGE = 34_128_000;
export const OPTOUT_MAX_AGE = 5 * 365 * 86_400;

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** First value of each cookie; a Map so names like __proto__ are plain keys. */
export function parseCookies(header: string | null | undefined): Map<string, string> {
  const out = new Map<string, string>();
  if (!header) return out;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const name = part.slice(0, eq).trim();
    if (name && !out.has(name)) out.set(name, part.slice(eq + 1).trim());
  }
  return out;
}

export function setCookie(name: string, value: string, maxAge: number, domain?: string): string {
  const base = `${name}=${value}; Path=/; Max-Age=${maxAge}; SameSite=None; Secure; HttpOnly`;
  return domain ? `${base}; Domain=${domain}` : base;
}

export function isVisitorId(value: string | undefined): value is string {
  return value !== undefined && UUID_V4.test(value);
}

export interface Visitor {
  /** The rt_vid to store on events: null when opted out or when the browser does not keep it. */
  vid: string | null;
  /** The rt_vid cookie as it arrived (valid ones only), for opt-out erasure. */
  presentVid: string | null;
  state: CookieState;
  setCookies: string[];
}

export interface VisitorInput {
  cookie: string | null | undefined;
  gpc: string | null | undefined;
  /** The tag says this browser was already sent a visitor cookie (it remembers a successful send). */
  issuedBefore: boolean;
  now: Date;
  domain?: string;
}

export const dayNumber = (d: Date) => Math.floor(d.getTime() / 86_400_000);

/**
 * Reads or issues rt_vid. Opted-out (rt_optout=1) or Sec-GPC visitors get no cookie and no id.
 * A missing cookie on a browser the tag knows was issued one means third-party cookies are blocked.
 */
export function resolveVisitor(input: VisitorInput): Visitor {
  const jar = parseCookies(input.cookie);
  if (input.gpc?.trim() === '1' || jar.get(OPTOUT_COOKIE) === '1') {
    return { vid: null, presentVid: null, state: 'optout', setCookies: [] };
  }
  const today = String(dayNumber(input.now));
  const current = jar.get(VID_COOKIE);
  if (isVisitorId(current)) {
    const fresh = jar.get(VID_DAY_COOKIE) === today;
    return {
      vid: current,
      presentVid: current,
      state: 'present',
      setCookies: fresh ? [] : issue(current, today, input.domain),
    };
  }
  const vid = randomUUID();
  if (input.issuedBefore && current === undefined) {
    // Still offered, in case the browser starts keeping it; the id itself would be a throwaway.
    return { vid: null, presentVid: null, state: 'blocked', setCookies: issue(vid, today, input.domain) };
  }
  return { vid, presentVid: null, state: 'new', setCookies: issue(vid, today, input.domain) };
}

/** rt_vid and the day it was issued. */
function issue(vid: string, today: string, domain: string | undefined): string[] {
  return [setCookie(VID_COOKIE, vid, VID_MAX_AGE, domain), setCookie(VID_DAY_COOKIE, today, VID_MAX_AGE, domain)];
}

export function optOutCookies(domain?: string): string[] {
  return [
    setCookie(VID_COOKIE, '', 0, domain),
    setCookie(VID_DAY_COOKIE, '', 0, domain),
    setCookie(OPTOUT_COOKIE, '1', OPTOUT_MAX_AGE, domain),
  ];
}
