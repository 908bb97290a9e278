import { readFile, rename, writeFile } from 'node:fs/promises';
import type { Db } from '@rt/db';
import type { Logger } from '@rt/runtime';

export interface SiteInfo {
  id: string;
  origins: ReadonlySet<string>;
  /** SHA-256 of the site's key for server-side events (`rt sites key`), null without one. */
  keySha256: string | null;
}

type SiteRow = { id: string; allowed_origins: string[]; key_sha256?: string | null };

export interface SiteDirectoryOptions {
  refreshMs: number;
  /** Last good copy on disk, so a restart during a Postgres outage still knows the sites. */
  cacheFile?: string;
  logger: Logger;
}

/** An origin as browsers send it: scheme://host[:port], lower-case, no trailing slash. */
// scheme://host[/?#...] with a plain DNS name and no port, userinfo or escapes: its origin is the
// prefix, lower-cased. A last label starting with a digit could be an IPv4 form URL rewrites.
const PLAIN_ORIGIN = /^https?:\/\/(?:[a-z0-9-]+\.)*[a-z][a-z0-9-]*(?=$|[/?#])/i;

export function normalizeOrigin(value: string): string | null {
  const plain = PLAIN_ORIGIN.exec(value);
  if (plain && /^https?:/.test(value)) return plain[0].toLowerCase();
  try {
    const u = new URL(value);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') return null;
    return u.origin.toLowerCase();
  } catch {
    return null;
  }
}

/**
 * Sites and their allowed origins, held in memory and refreshed periodically from Postgres; the
 * request path never waits on the database, and a failed refresh keeps the last good copy. A
 * removed site (`rt sites remove`) drops out at the next refresh, so its hits are refused within
 * refreshMs (5 s by default; docs/pixel.md); the same holds for a rotated or revoked site key.
 */
export class SiteDirectory {
  private sites = new Map<string, SiteInfo>();
  private allOrigins = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private lastMissRefresh = 0;
  private inflight: Promise<boolean> | undefined;
  loadedAt: Date | undefined;
  /** Where the sites in memory came from: none yet, Postgres, or the on-disk copy. */
  private source: 'none' | 'postgres' | 'disk' = 'none';

  constructor(
    private readonly db: Db,
    private readonly opts: SiteDirectoryOptions,
  ) {}

  async start(): Promise<void> {
    if (!(await this.refresh())) await this.loadCacheFile();
    this.timer = setInterval(() => void this.refresh(), this.opts.refreshMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  get(id: string): SiteInfo | undefined {
    const site = this.sites.get(id);
    // A site created a moment ago should work before the next periodic refresh.
    if (!site && Date.now() - this.lastMissRefresh > 1000) {
      this.lastMissRefresh = Date.now();
      void this.refresh();
    }
    return site;
  }

  /** Whether any site allows this origin (CORS preflights do not say which site they are for). */
  originKnown(origin: string): boolean {
    return this.allOrigins.has(origin);
  }

  refresh(): Promise<boolean> {
    this.inflight ??= this.load().finally(() => {
      this.inflight = undefined;
    });
    return this.inflight;
  }

  private async load(): Promise<boolean> {
    try {
      const rows: SiteRow[] = await this.db
        .selectFrom('sites')
        .leftJoin('site_keys', 'site_keys.site_id', 'sites.id')
        .select(['sites.id', 'sites.allowed_origins', 'site_keys.key_sha256'])
        .where('sites.removed_at', 'is', null)
        .execute();
      this.install(rows);
      this.loadedAt = new Date();
      this.source = 'postgres';
      if (this.opts.cacheFile) {
        const tmp = `${this.opts.cacheFile}.tmp`;
        await writeFile(tmp, JSON.stringify(rows));
        await rename(tmp, this.opts.cacheFile);
      }
      return true;
    } catch (err) {
      this.opts.logger.warn({ err: String(err) }, `sites refresh failed; ${this.serving()}`);
      return false;
    }
  }

  private async loadCacheFile(): Promise<void> {
    if (!this.opts.cacheFile) return;
    try {
      this.install(JSON.parse(await readFile(this.opts.cacheFile, 'utf8')));
      this.source = 'disk';
      this.opts.logger.warn('sites loaded from the on-disk copy');
    } catch {
      this.opts.logger.warn('no sites known yet: Postgres unreachable and no on-disk copy');
    }
  }

  /** What a failed refresh leaves the pixel serving, for the log line. */
  private serving(): string {
    if (this.source === 'postgres') return `serving the copy loaded at ${this.loadedAt?.toISOString()}`;
    if (this.source === 'disk') return 'serving the on-disk copy';
    return 'no sites loaded yet';
  }

  private install(rows: SiteRow[]): void {
    const sites = new Map<string, SiteInfo>();
    const all = new Set<string>();
    for (const row of rows) {
      const origins = new Set(row.allowed_origins.map(normalizeOrigin).filter((o): o is string => o !== null));
      sites.set(row.id, { id: row.id, origins, keySha256: row.key_sha256 ?? null });
      for (const o of origins) all.add(o);
    }
    this.sites = sites;
    this.allOrigins = all;
  }
}
