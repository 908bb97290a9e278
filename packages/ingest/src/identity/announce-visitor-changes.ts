import { notifyVisitorChanges } from '@rt/db';
import type { Ev } from '../model';
import type { Statement } from '../sql/statements';
import type { VisitorMerge } from './merge-visitors';

/** Announces at commit the visitors this batch changed, so readers holding them in memory reload. */
export function changedVisitors(news: Ev[], merges: VisitorMerge[]): Statement | null {
  const ids = new Set<string>();
  for (const ev of news) if (ev.visitorId) ids.add(ev.visitorId);
  for (const m of merges) ids.add(m.loser).add(m.survivor);
  const query = notifyVisitorChanges(ids);
  // Named in the final select, so this read-only part of the statement runs.
  return query && { sql: query, count: 'notified' };
}
