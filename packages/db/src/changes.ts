import { sql } from 'kysely';
import { isUuid } from './uuid';

/**
 * The channel on which writers announce, at commit, the visitors whose history changed (events,
 * carts, interest, identities, merges, erasure). Payload: visitor UUIDs separated by commas.
 * Readers that keep visitor state in memory (the ads service) drop it when they hear a visitor.
 */
export const VISITOR_CHANGES_CHANNEL = 'rt_visitor_changes';

// NOTIFY payloads must stay under 8000 bytes: 36-character ids and a comma each.
const IDS_PER_NOTIFICATION = 200;

/** The payloads announcing these visitors, each within NOTIFY's size limit. */
export function visitorChangePayloads(ids: Iterable<string>): string[] {
  const unique = [...new Set(ids)];
  const out: string[] = [];
  for (let i = 0; i < unique.length; i += IDS_PER_NOTIFICATION) {
    out.push(unique.slice(i, i + IDS_PER_NOTIFICATION).join(','));
  }
  return out;
}

/** The visitor ids of one payload (anything that is not a UUID is ignored). */
export function parseVisitorChanges(payload: string | undefined): string[] {
  if (!payload) return [];
  return payload.split(',').filter(isUuid);
}

/**
 * A query that announces the visitors when (and only if) the surrounding transaction commits;
 * one row per notification. Null when there is nothing to announce.
 */
export function notifyVisitorChanges(ids: Iterable<string>) {
  const payloads = visitorChangePayloads(ids);
  if (payloads.length === 0) return null;
  return sql<{ notified: number }>`select pg_notify(${VISITOR_CHANGES_CHANNEL}, p) is null as notified
    from unnest(${payloads}::text[]) p`;
}

/**
 * The channel on which the ads service announces, at commit, every impression it recorded, so
 * every instance keeps the frequency caps it holds in memory exact. Payload (JSON):
 * `[visitor_id, ad_id, shown_at_ms, [[position, site_id, product_id], …]]`, or `[visitor_id]`
 * alone when the items would not fit NOTIFY's 8000 bytes (readers then drop what they hold).
 */
export const IMPRESSIONS_CHANNEL = 'rt_impressions';

export interface ImpressionAnnouncement {
  visitorId: string;
  adId: string;
  /** shown_at, epoch ms. */
  at: number;
  /** The positions recorded, each with its merchant and product; null: too many to announce. */
  items: Array<[position: number, site: string, product: string]> | null;
}

/** The announcement of one payload, or null when it is not one. */
export function parseImpressionAnnouncement(payload: string | undefined): ImpressionAnnouncement | null {
  let value: unknown;
  try {
    value = JSON.parse(payload ?? '');
  } catch {
    return null;
  }
  if (!Array.isArray(value) || typeof value[0] !== 'string' || !isUuid(value[0])) return null;
  const visitorId = value[0].toLowerCase();
  const [, adId, at, items] = value as [string, unknown, unknown, unknown];
  const valid =
    typeof adId === 'string' &&
    typeof at === 'number' &&
    Array.isArray(items) &&
    items.every(
      (i) => Array.isArray(i) && typeof i[0] === 'number' && typeof i[1] === 'string' && typeof i[2] === 'string',
    );
  if (!valid) return { visitorId, adId: '', at: 0, items: null };
  return { visitorId, adId, at, items: items as ImpressionAnnouncement['items'] };
}
