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
