import { DUMMY_HASH, findUser, verifyPassword } from '@rt/users';
import { Hono } from 'hono';
import { deleteCookie, setCookie } from 'hono/cookie';
import { COOKIE, clientAddress, type Env } from '../auth/guard';
import type { Deps } from '../deps';
import { HttpError } from '../errors';
import { loginPage } from '../views/login';

/** Only a path of this console: `next=//evil.example` must not turn sign-in into an open redirect. */
const safeNext = (next: string | undefined) => (next && /^\/(?![/\\])/.test(next) ? next : '/');
const hostOf = (origin: string) => {
  try {
    return new URL(origin).host;
  } catch {
    return null;
  }
};
const field = (v: unknown, max: number) => (typeof v === 'string' ? v.slice(0, max) : '');

/** GET/POST /login; POST /logout is in `logoutRoutes` (it needs a session and its CSRF token). */
export function loginRoutes(deps: Deps): Hono<Env> {
  const app = new Hono<Env>();
  app.get('/login', (c) => {
    if (c.get('session')) return c.redirect(safeNext(c.req.query('next')), 303);
    return c.html(loginPage({ next: c.req.query('next') }));
  });
  app.post('/login', async (c) => {
    // No session yet, so no CSRF token: a form posted from another origin is refused instead.
    // The console's public origin, or the host the browser itself addressed (127.0.0.1 rather
    // than localhost in development): a page of another site never matches either.
    const origin = c.req.header('origin');
    if (origin && origin !== deps.origin && hostOf(origin) !== c.req.header('host')) {
      throw new HttpError(403, 'sign in from the console itself');
    }
    const body = await c.req.parseBody();
    const email = field(body.email, 254).trim().toLowerCase();
    const password = field(body.password, 1025);
    const next = c.req.query('next');
    const address = clientAddress(c);
    const wait = await deps.limiter.retryAfter(email, address);
    if (wait > 0) {
      deps.metrics.logins.inc({ result: 'limited' });
      c.header('Retry-After', String(wait));
      const error = `Too many failed sign-ins. Try again in ${Math.ceil(wait / 60)} minute(s).`;
      return c.html(loginPage({ error, email, next }), 429);
    }
    const user = email ? await findUser(deps.db, email) : undefined;
    // An unknown email costs the same scrypt as a known one: timing does not tell which exist.
    const ok = (await verifyPassword(password, user?.password_hash ?? (await DUMMY_HASH))) && !!user;
    if (!ok) {
      deps.metrics.logins.inc({ result: 'wrong' });
      await deps.limiter.failed(email, address);
      deps.logger.info({ address }, 'console sign-in failed');
      return c.html(loginPage({ error: 'Wrong email or password.', email, next }), 401);
    }
    deps.metrics.logins.inc({ result: 'ok' });
    await deps.limiter.succeeded(email);
    // Whatever session the browser brought ends here: the signed-in one always gets a new id.
    const previous = c.get('sessionId');
    if (previous) await deps.sessions.destroy(previous);
    const id = await deps.sessions.create(user.email);
    setCookie(c, COOKIE, id, { path: '/', httpOnly: true, sameSite: 'Lax', secure: deps.secureCookie });
    deps.logger.info({ email: user.email, role: user.role }, 'console sign-in');
    return c.redirect(safeNext(next), 303);
  });
  return app;
}

export function logoutRoutes(deps: Deps): Hono<Env> {
  const app = new Hono<Env>();
  app.post('/logout', async (c) => {
    await deps.sessions.destroy(c.get('sessionId')!);
    deleteCookie(c, COOKIE, { path: '/', httpOnly: true, sameSite: 'Lax', secure: deps.secureCookie });
    return c.redirect('/login', 303);
  });
  return app;
}
