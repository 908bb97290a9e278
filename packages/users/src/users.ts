import type { ConsoleRole, Db } from '@rt/db';
import { hashPassword, MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from './password';

/** Bad input naming what to fix (the CLI prints it, the console shows it in the form). */
export class UserError extends Error {
  override name = 'UserError';
}

export interface ConsoleUser {
  email: string;
  role: ConsoleRole;
  sites: string[];
  partners: string[];
}

/** What a user may see: the sites of a merchant, the partners of a partner, or everything (admin). */
export type Grant = { site: string } | { partner: string } | { admin: true };

const EMAIL = /^[^\s@<>"']{1,64}@[^\s@<>"']{1,189}\.[^\s@<>"']{1,63}$/;

export function normalizeEmail(email: string): string {
  const e = email.trim().toLowerCase();
  if (!EMAIL.test(e)) throw new UserError(`"${email}" is not an email address`);
  return e;
}

export function checkPassword(password: string): string {
  if (password.length < MIN_PASSWORD_LENGTH) {
    throw new UserError(`the password must have at least ${MIN_PASSWORD_LENGTH} characters`);
  }
  if (password.length > MAX_PASSWORD_LENGTH) {
    throw new UserError(`the password must have at most ${MAX_PASSWORD_LENGTH} characters`);
  }
  return password;
}

const roleOf = (g: Grant): ConsoleRole => ('site' in g ? 'merchant' : 'partner' in g ? 'partner' : 'admin');

/**
 * Creates the user, or gives an existing one the grant (one more site or partner) and the new
 * password. A user keeps one role: a merchant cannot also become a partner.
 */
export async function addUser(db: Db, email: string, password: string, grant: Grant): Promise<'added' | 'updated'> {
  const address = normalizeEmail(email);
  const hash = await hashPassword(checkPassword(password));
  const role = roleOf(grant);
  if ('site' in grant) {
    const site = await db.selectFrom('sites').select('id').where('id', '=', grant.site).executeTakeFirst();
    if (!site) throw new UserError(`unknown site "${grant.site}" (add it with: rt sites add ${grant.site} --name ...)`);
  }
  if ('partner' in grant) {
    const p = await db.selectFrom('partners').select('id').where('id', '=', grant.partner).executeTakeFirst();
    if (!p) throw new UserError(`unknown partner "${grant.partner}" (add it with: rt partners add ...)`);
  }
  return db.transaction().execute(async (trx) => {
    const existing = await trx
      .selectFrom('console_users')
      .selectAll()
      .where('email', '=', address)
      .forUpdate()
      .executeTakeFirst();
    const sites = 'site' in grant ? [grant.site] : [];
    const partners = 'partner' in grant ? [grant.partner] : [];
    if (!existing) {
      await trx
        .insertInto('console_users')
        .values({ email: address, password_hash: hash, role, sites, partners })
        .execute();
      return 'added';
    }
    if (existing.role !== role) {
      throw new UserError(`${address} is a ${existing.role} user; remove it first to make it a ${role} user`);
    }
    await trx
      .updateTable('console_users')
      .set({
        password_hash: hash,
        sites: [...new Set([...existing.sites, ...sites])],
        partners: [...new Set([...existing.partners, ...partners])],
      })
      .where('email', '=', address)
      .execute();
    // A new password ends the sessions opened with the old one.
    await trx.deleteFrom('console_sessions').where('email', '=', address).execute();
    return 'updated';
  });
}

export async function listUsers(db: Db): Promise<ConsoleUser[]> {
  return db.selectFrom('console_users').select(['email', 'role', 'sites', 'partners']).orderBy('email').execute();
}

export async function findUser(db: Db, email: string): Promise<(ConsoleUser & { password_hash: string }) | undefined> {
  return db
    .selectFrom('console_users')
    .select(['email', 'role', 'sites', 'partners', 'password_hash'])
    .where('email', '=', email.trim().toLowerCase())
    .executeTakeFirst();
}

/** Removes the user and, with it, every session it had open. Returns whether it existed. */
export async function removeUser(db: Db, email: string): Promise<boolean> {
  const res = await db.deleteFrom('console_users').where('email', '=', normalizeEmail(email)).executeTakeFirst();
  return res.numDeletedRows > 0n;
}
