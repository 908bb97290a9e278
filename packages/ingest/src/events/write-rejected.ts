import { createHash } from 'node:crypto';
import { pgSafe, type RejectedRecord } from '@rt/events';
import { sql } from 'kysely';
import type { Statement } from '../sql/statements';
import { unnest } from '../sql/unnest';

export const rejectedKey = (r: RejectedRecord): string =>
  createHash('sha256')
    .update(JSON.stringify([r.site, r.source, r.reason, r.received_at, r.payload]))
    .digest('base64url');

/** Rejected records, once each: a retried job carries the same records with the same keys. */
export function rejectedWrite(rejected: RejectedRecord[]): Statement | null {
  if (rejected.length === 0) return null;
  const statement = sql`
    insert into rejected_events (site_id, source, reason, payload, received_at, dedup_key)
    select * from ${unnest([
      ['site_id', 'text', rejected.map((r) => r.site && pgSafe(r.site))],
      ['source', 'text', rejected.map((r) => r.source)],
      ['reason', 'text', rejected.map((r) => pgSafe(r.reason))],
      ['payload', 'text', rejected.map((r) => pgSafe(r.payload))],
      ['received_at', 'timestamptz', rejected.map((r) => r.received_at)],
      ['dedup_key', 'text', rejected.map(rejectedKey)],
    ])}
    on conflict (dedup_key) do nothing returning id`;
  return { sql: statement, count: 'rejected' };
}
