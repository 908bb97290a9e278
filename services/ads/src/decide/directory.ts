import type { Db } from '@rt/db';

export interface PartnerInfo {
  id: string;
  allowedOrigins: Set<string>;
}

/** The origin (scheme://host[:port]) of an http(s) URL, or null for anything else. */
export function httpOrigin(url: string | null | undefined): string | null {
  if (!url) return null;
  try {
    const u = new URL(url);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.origin : null;
  } catch {
    return null;
  }
}

const MAX_ORIGINS = 100_000;

/**
 * Partners and merchants' allowed origins, held in memory and reloaded every few seconds (both
 * tables are small). A partner missing from memory is looked up once, so one added a moment ago
 * is served at once; unknown ids are remembered briefly so they cannot hammer the database.
 * Removed partners, sites and products (`rt ... remove`) drop out at the next reload: a removed
 * partner's requests are refused, and no product of a removed site, nor a removed product's
 * URL, is shown (docs/ads.md).
 */
export class Directory {
  private partners = new Map<string, PartnerInfo>();
  private sites = new Map<string, Set<string>>();
  private misses = new Map<string, number>();
  private origins = new Map<string, string | null>();
  /** Per site, the URLs of its removed products. */
  private removed = new Map<string, Set<string>>();

  constructor(
    private readonly db: Db,
    private readonly now: () => number = Date.now,
  ) {}

  async refresh(): Promise<void> {
    const [partners, sites, removed] = await Promise.all([
      this.db.selectFrom('partners').select(['id', 'allowed_origins']).where('removed_at', 'is', null).execute(),
      this.db.selectFrom('sites').select(['id', 'allowed_origins']).where('removed_at', 'is', null).execute(),
      this.db
        .selectFrom('products')
        .select(['site_id', 'url'])
        .where('removed_at', 'is not', null)
        .where('url', 'is not', null)
        .execute(),
    ]);
    this.partners = new Map(partners.map((p) => [p.id, toPartner(p)]));
    this.sites = new Map(sites.map((s) => [s.id, originSet(s.allowed_origins)]));
    const bySite = new Map<string, Set<string>>();
    for (const r of removed) {
      const urls = bySite.get(r.site_id) ?? new Set<string>();
      urls.add(r.url!);
      bySite.set(r.site_id, urls);
    }
    this.removed = bySite;
    this.misses.clear();
  }

  async partner(id: string): Promise<PartnerInfo | null> {
    const known = this.partners.get(id);
    if (known) return known;
    const missedAt = this.misses.get(id);
    if (missedAt !== undefined && this.now() - missedAt < 2000) return null;
    const row = await this.db
      .selectFrom('partners')
      .select(['id', 'allowed_origins'])
      .where('id', '=', id)
      .where('removed_at', 'is', null)
      .executeTakeFirst();
    if (!row) {
      if (this.misses.size > 10_000) this.misses.clear();
      this.misses.set(id, this.now());
      return null;
    }
    const partner = toPartner(row);
    this.partners.set(id, partner);
    return partner;
  }

  /**
   * Whether a product URL may be shown and redirected to: http(s) on one of its merchant's origins,
   * and not the URL of a product removed from the catalog.
   */
  productUrlAllowed(siteId: string, url: string | null): boolean {
    if (!url || this.removed.get(siteId)?.has(url)) return false;
    // Parsing a URL costs more than the rest of a candidate's checks; product URLs repeat.
    let origin = this.origins.get(url);
    if (origin === undefined) {
      origin = httpOrigin(url);
      if (this.origins.size >= MAX_ORIGINS) this.origins.clear();
      this.origins.set(url, origin);
    }
    return origin !== null && (this.sites.get(siteId)?.has(origin) ?? false);
  }
}

function originSet(origins: string[]): Set<string> {
  return new Set(origins.map((o) => httpOrigin(o)).filter((o): o is string => o !== null));
}

function toPartner(row: { id: string; allowed_origins: string[] }): PartnerInfo {
  return { id: row.id, allowedOrigins: originSet(row.allowed_origins) };
}
