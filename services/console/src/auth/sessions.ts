import { createHash, randomBytes } from 'node:crypto';
import type { Db } from '@rt/db';
import type { ConsoleUser } from '@rt/users';

/** Ended by 30 minutes without a request, or 12 hours after sign-in, whichever comes first. */
export const IDLE_MS = 30 * 60_000;
export const ABSOLUTE_MS = 12 * 3_600_000;
// Writing last_seen_at on every request would cost a write per page; a minute of slack is harmless.
const TOUCH_EVERY_MS = 60_000;

export interface Session {
  user: ConsoleUser;
  csrf: string;
}

const hashId = (id: string) => createHash('sha256').update(id).digest('base64url');
/** 256 random bits, URL-safe: the cookie carries nothing else. */
const newToken = () => randomBytes(32).toString('base64url');

export class SessionStore {
  constructor(
    private readonly db: Db,
    private readonly now: () => Date,
  ) {}

  /** A brand-new session (never one the browser brought): returns the cookie's id. */
  async create(email: string): Promise<string> {
    const id = newToken();
    const at = this.now();
    await this.db
      .insertInto('console_sessions')
      .values({ id_hash: hashId(id), email, csrf: newToken(), created_at: at, last_seen_at: at })
      .execute();
    return id;
  }

  /** The live session of this cookie id, touched; an expired one is deleted and answers null. */
  async get(id: string): Promise<Session | null> {
    if (!/^[A-Za-z0-9_-]{43}$/.test(id)) return null;
    const row = await this.db
      .selectFrom('console_sessions as s')
      .innerJoin('console_users as u', 'u.email', 's.email')
      .select(['s.id_hash', 's.csrf', 's.created_at', 's.last_seen_at', 'u.email', 'u.role', 'u.sites', 'u.partners'])
      .where('s.id_hash', '=', hashId(id))
      .executeTakeFirst();
    if (!row) return null;
    const now = this.now().getTime();
    if (now - row.last_seen_at.getTime() >= IDLE_MS || now - row.created_at.getTime() >= ABSOLUTE_MS) {
      await this.db.deleteFrom('console_sessions').where('id_hash', '=', row.id_hash).execute();
      return null;
    }
    if (now - row.last_seen_at.getTime() >= TOUCH_EVERY_MS) {
      await this.db
        .updateTable('console_sessions')
        .set({ last_seen_at: new Date(now) })
        .where('id_hash', '=', row.id_hash)
        .execute();
    }
    return {
      user: { email: row.email, role: row.role, sites: row.sites, partners: row.partners },
      csrf: row.csrf,
    };
  }

  async destroy(id: string): Promise<void> {
    await this.db.deleteFrom('console_sessions').where('id_hash', '=', hashId(id)).execute();
  }

  /** Deletes the expired sessions nobody came back for (run now and then). */
  async sweep(): Promise<number> {
    const now = this.now().getTime();
    const res = await this.db
      .deleteFrom('console_sessions')
      .where((eb) =>
        eb.or([eb('last_seen_at', '<=', new Date(now - IDLE_MS)), eb('created_at', '<=', new Date(now - ABSOLUTE_MS))]),
      )
      .executeTakeFirst();
    return Number(res.numDeletedRows);
  }
}
