import { Hono } from 'hono';
import { loginEmail } from '../common/email';
import { readForm } from '../common/form';
import type { ShopContext } from './context';
import { loginView } from './views';

/**
 * Login and logout. The shop's own session remembers the email; the tag learns about it through
 * `rt('identify', {email})` on the next page (it hashes the email before sending) and about a
 * logout through `rt('logout')`.
 */
export function accountRoutes(ctx: ShopContext): Hono {
  const app = new Hono();

  app.get('/login', (c) => ctx.render(c, 'Log in', loginView()));

  app.post('/login', async (c) => {
    const login = loginEmail(await readForm(c));
    if ('error' in login) return ctx.render(c, 'Log in', loginView(login.error, login.value), [], 400);
    const { email } = login;
    const session = ctx.sessions.ensure(c);
    session.email = email;
    session.pending.push({ fn: 'identify', email });
    return c.redirect('/', 303);
  });

  app.post('/logout', (c) => {
    const session = ctx.sessions.peek(c);
    if (session?.email) {
      session.email = undefined;
      session.pending.push({ fn: 'logout' });
    }
    return c.redirect('/', 303);
  });

  return app;
}
