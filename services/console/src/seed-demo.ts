import type { Db } from '@rt/db';
import { addUser, findUser, verifyPassword } from '@rt/users';

/** The demo's console users (docs/console.md): printed by `npm start`, for a development machine only. */
export const DEMO_USERS = [
  { email: 'merchant@demo-shop.example', password: 'demo-shop-console', grant: { site: 'demo-shop' } },
  { email: 'partner@demo-news.example', password: 'demo-news-console', grant: { partner: 'demo-news' } },
] as const;

/** Adds the demo users once; a user already there (with its password) is left alone, sessions and all. */
export async function seedConsoleDemo(db: Db): Promise<typeof DEMO_USERS> {
  for (const u of DEMO_USERS) {
    const existing = await findUser(db, u.email);
    if (existing && (await verifyPassword(u.password, existing.password_hash))) continue;
    await addUser(db, u.email, u.password, u.grant);
  }
  return DEMO_USERS;
}
