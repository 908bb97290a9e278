import { addUser, type Grant, listUsers, removeUser, UserError } from '@rt/users';
import { Hono } from 'hono';
import { z } from 'zod';
import { type Ctx, type Env, requireAdmin } from '../auth/guard';
import type { Deps } from '../deps';
import { HttpError } from '../errors';
import { adminPage } from '../views/admin';

const userBody = z.object({
  email: z.string().max(254),
  password: z.string().max(1024),
  role: z.enum(['merchant', 'partner', 'admin']),
  owner: z.string().max(63).optional(),
});

function grantOf(role: 'merchant' | 'partner' | 'admin', owner: string | undefined): Grant {
  if (role === 'admin') return { admin: true };
  if (!owner)
    throw new HttpError(400, `a ${role} user needs the id of its ${role === 'merchant' ? 'site' : 'partner'}`);
  return role === 'merchant' ? { site: owner } : { partner: owner };
}

/** Users' bad input (unknown site, short password...) answers 400 with the message. */
async function asHttp<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (err) {
    if (err instanceof UserError) throw new HttpError(400, err.message);
    throw err;
  }
}

export function adminRoutes(deps: Deps): Hono<Env> {
  const app = new Hono<Env>();
  const adminOnly = async (c: Ctx, next: () => Promise<void>) => {
    requireAdmin(c);
    await next();
  };
  app.use('/admin', adminOnly);
  app.use('/admin/*', adminOnly);
  app.use('/api/admin', adminOnly);
  app.use('/api/admin/*', adminOnly);
  const data = async () => ({
    sites: await deps.db.selectFrom('sites').select(['id', 'name', 'allowed_origins']).orderBy('id').execute(),
    partners: await deps.db.selectFrom('partners').select(['id', 'name', 'allowed_origins']).orderBy('id').execute(),
    users: await listUsers(deps.db),
  });
  const page = async (c: Ctx, extra: { message?: string; error?: string }, status: 200 | 400 = 200) =>
    c.html(adminPage(c.get('session')!, { ...(await data()), ...extra }), status);

  app.get('/admin', (c) => page(c, {}));
  app.get('/api/admin', async (c) => c.json(await data()));

  app.post('/admin/users', async (c) => {
    const parsed = userBody.safeParse(await c.req.parseBody());
    try {
      if (!parsed.success) throw new HttpError(400, 'email, password and role are required');
      const { email, password, role, owner } = parsed.data;
      const done = await asHttp(addUser(deps.db, email, password, grantOf(role, owner || undefined)));
      return page(c, { message: `${done === 'added' ? 'Added' : 'Updated'} ${email.trim().toLowerCase()}.` });
    } catch (err) {
      if (err instanceof HttpError && err.status === 400) return page(c, { error: err.message }, 400);
      throw err;
    }
  });
  app.post('/admin/users/remove', async (c) => {
    const body = await c.req.parseBody();
    const email = typeof body.email === 'string' ? body.email : '';
    if (email.trim().toLowerCase() === c.get('session')!.user.email)
      return page(c, { error: 'you cannot remove yourself' }, 400);
    const removed = await removeUser(deps.db, email).catch(() => false);
    return removed ? page(c, { message: `Removed ${email}.` }) : page(c, { error: `no user ${email}` }, 400);
  });

  app.post('/api/admin/users', async (c) => {
    const parsed = userBody.safeParse(await c.req.json().catch(() => null));
    if (!parsed.success) throw new HttpError(400, 'send {"email", "password", "role", "owner"}');
    const { email, password, role, owner } = parsed.data;
    const done = await asHttp(addUser(deps.db, email, password, grantOf(role, owner)));
    return c.json({ [done]: email.trim().toLowerCase() }, done === 'added' ? 201 : 200);
  });
  app.delete('/api/admin/users/:email', async (c) => {
    const email = c.req.param('email');
    if (email.trim().toLowerCase() === c.get('session')!.user.email)
      throw new HttpError(400, 'you cannot remove yourself');
    if (!(await removeUser(deps.db, email).catch(() => false))) throw new HttpError(404, 'not found');
    return c.json({ removed: email.trim().toLowerCase() });
  });
  return app;
}
