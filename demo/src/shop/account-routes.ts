import { Hono } from 'hono';
import { parseEmail } from '../common/email';
import { BadInputError } from '../common/errors';
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
    const form = await readForm(c);
    let email: string;
    try {
      email = parseEmail(form.email);
    } catch (err) {
      if (!(err instanceof BadInputError)) throw err;
      return ctx.render(c, 'Log in', loginView(err.message, form.email ?? ''), [], 400);
    }
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
