import { randomBytes } from 'node:crypto';
import type { Context } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';

/**
 * Server-side sessions keyed by a first-party cookie of the site's own, kept in memory (a demo;
 * a real shop keeps them in its database). The least recently used session is dropped past `max`
 * so a crawler cannot grow memory without bound.
 */
export class SessionStore<T> {
  private readonly sessions = new Map<string, T>();

  constructor(
    readonly cookieName: string,
    private readonly create: () => T,
    private readonly max = 10_000,
  ) {}

  /** The visitor's session if they have one; reading pages never creates one. */
  peek(c: Context): T | undefined {
    const id = getCookie(c, this.cookieName);
    if (!id) return undefined;
    const session = this.sessions.get(id);
    if (session !== undefined) {
      this.sessions.delete(id);
      this.sessions.set(id, session);
    }
    return session;
  }

  /** The visitor's session, created (and its cookie set) on first need. */
  ensure(c: Context): T {
    const existing = this.peek(c);
    if (existing !== undefined) return existing;
    const id = randomBytes(18).toString('base64url');
    const session = this.create();
    this.sessions.set(id, session);
    if (this.sessions.size > this.max) {
      const oldest = this.sessions.keys().next().value;
      if (oldest !== undefined) this.sessions.delete(oldest);
    }
    setCookie(c, this.cookieName, id, { path: '/', httpOnly: true, sameSite: 'Lax', maxAge: 30 * 24 * 3600 });
    return session;
  }

  get size(): number {
    return this.sessions.size;
  }
}
