import { timingSafeEqual } from 'node:crypto';
import type { ConsoleUser } from '@rt/users';
import type { Context, MiddlewareHandler } from 'hono';
import { getCookie } from 'hono/cookie';
import type { Deps } from '../deps';
import { HttpError, notFound } from '../errors';
import type { Session } from './sessions';

export const COOKIE = 'rt_console';

export interface Env {
  Variables: { session: Session | null; sessionId: string | null };
}
export type Ctx = Context<Env>;

const isApi = (c: Context) => c.req.path.startsWith('/api/');
const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** Reads the cookie's session (null when absent or expired); never creates one. */
export function loadSession(deps: Deps): MiddlewareHandler<Env> {
  return async (c, next) => {
    const id = getCookie(c, COOKIE);
    const session = id ? await deps.sessions.get(id) : null;
    c.set('session', session);
    c.set('sessionId', session ? id! : null);
    await next();
  };
}

/** No session: the API answers 401, pages send the browser to the sign-in form. */
export const requireSession: MiddlewareHandler<Env> = async (c, next) => {
  if (c.get('session')) return next();
  if (isApi(c)) throw new HttpError(401, 'sign in first: POST /login');
  const next_ = c.req.method === 'GET' ? `?next=${encodeURIComponent(c.req.path)}` : '';
  return c.redirect(`/login${next_}`, 303);
};

function sameToken(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Every state-changing request carries the session's token: `_csrf` in forms, `X-CSRF-Token` from scripts. */
export const requireCsrf: MiddlewareHandler<Env> = async (c, next) => {
  if (!STATE_CHANGING.has(c.req.method)) return next();
  const session = c.get('session')!;
  let token = c.req.header('x-csrf-token');
  if (!token) {
    const type = c.req.header('content-type') ?? '';
    if (/^(application\/x-www-form-urlencoded|multipart\/form-data)/i.test(type)) {
      const body = await c.req.parseBody();
      token = typeof body._csrf === 'string' ? body._csrf : undefined;
    }
  }
  if (!token || !sameToken(token, session.csrf)) throw new HttpError(403, 'missing or wrong CSRF token');
  return next();
};

export const userOf = (c: Ctx): ConsoleUser => c.get('session')!.user;

/** The site if this user may see it; 404 otherwise, exactly as for a site that does not exist. */
export async function siteFor(deps: Deps, c: Ctx, id: string): Promise<{ id: string; name: string }> {
  const user = userOf(c);
  if (user.role !== 'admin' && !(user.role === 'merchant' && user.sites.includes(id))) throw notFound();
  const site = await deps.db.selectFrom('sites').select(['id', 'name']).where('id', '=', id).executeTakeFirst();
  if (!site) throw notFound();
  return site;
}

export async function partnerFor(deps: Deps, c: Ctx, id: string): Promise<{ id: string; name: string }> {
  const user = userOf(c);
  if (user.role !== 'admin' && !(user.role === 'partner' && user.partners.includes(id))) throw notFound();
  const partner = await deps.db.selectFrom('partners').select(['id', 'name']).where('id', '=', id).executeTakeFirst();
  if (!partner) throw notFound();
  return partner;
}

export function requireAdmin(c: Ctx): void {
  if (userOf(c).role !== 'admin') throw notFound();
}

/** The peer's address as the socket saw it (a spoofable X-Forwarded-For must not reset the limit). */
export function clientAddress(c: Context): string {
  const env = c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined;
  return env?.incoming?.socket?.remoteAddress ?? 'unknown';
}
