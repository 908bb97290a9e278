import { randomUUID } from 'node:crypto';
import type { IdentityKind } from '@rt/events';
import { sql, type Transaction } from 'kysely';
import { type Ev, type IdentityKey, RetryableConflict } from '../model';
import { runTogether, type Statement } from '../sql/statements';
import { unnest } from '../sql/unnest';
import { idKey, type KeyUnion, linkEvents } from './identity-keys';
import { mergeVisitors, type VisitorMerge } from './merge-visitors';

interface Component {
  keys: IdentityKey[];
  existing: Set<string>;
  evs: Ev[];
  minMs: number;
  maxMs: number;
}

interface Locked {
  id: string;
  merged_into: string | null;
  first_seen_at: Date;
}

function buildComponents(evs: Ev[]): {
  components: Map<string, Component>;
  union: KeyUnion;
  keyed: Map<string, IdentityKey>;
} {
  const keyed = new Map<string, IdentityKey>();
  const { union, firstIds } = linkEvents(evs, (id, k) => keyed.set(id, k));
  const components = new Map<string, Component>();
  for (const k of union.keys()) {
    const root = union.find(k);
    let c = components.get(root);
    if (!c) {
      c = { keys: [], existing: new Set(), evs: [], minMs: Infinity, maxMs: -Infinity };
      components.set(root, c);
    }
    c.keys.push(keyed.get(k) as IdentityKey);
  }
  evs.forEach((ev, i) => {
    const first = firstIds[i];
    if (first === undefined) return;
    const c = components.get(union.find(first)) as Component;
    c.evs.push(ev);
    c.minMs = Math.min(c.minMs, ev.ms);
    c.maxMs = Math.max(c.maxMs, ev.ms);
  });
  return { components, union, keyed };
}

/**
 * Resolves each event to a visitor (rt_vid, else email hash, else first-party id; a new visitor
 * when none is known), links every id seen together to that visitor, and merges visitors an
 * event shows to be one person. Locks the visitors it touches (in id order) so batches racing
 * on the same visitor serialize; a stale read becomes a RetryableConflict.
 */
export async function resolveVisitors(trx: Transaction<any>, evs: Ev[]): Promise<VisitorMerge[]> {
  const { components, union, keyed } = buildComponents(evs);
  if (components.size === 0) return [];
  const all = [...keyed.values()];
  // Lookup and lock in one statement: the visitors found are locked in id order (racing batches
  // queue up instead of deadlocking) and read as they are once the lock is ours.
  const { rows: known } = await sql<{ kind: IdentityKind; value: string; visitor_id: string } & Locked>`
    select i.kind, i.value, i.visitor_id, v.id, v.merged_into, v.first_seen_at from ${unnest([
      ['kind', 'text', all.map((k) => k.kind)],
      ['value', 'text', all.map((k) => k.value)],
    ])} join identities i on i.kind = u.kind and i.value = u.value
    join visitors v on v.id = i.visitor_id
    order by i.visitor_id for no key update of v`.execute(trx);
  const knownKeys = new Set<string>();
  const locked = new Map<string, Locked>();
  for (const r of known) {
    // Merged since the identity was read (the lock returns the visitor as it is now): stale.
    if (r.merged_into !== null) throw new RetryableConflict('identity points to a merged visitor');
    const k = idKey(r.kind, r.value);
    knownKeys.add(k);
    locked.set(r.id, r);
    (components.get(union.find(k)) as Component).existing.add(r.visitor_id);
  }

  const merges: VisitorMerge[] = [];
  const created: Array<{ id: string; first: number; last: number }> = [];
  const seen: Array<{ id: string; first: number; last: number }> = [];
  const newIdentities: Array<{ key: IdentityKey; visitor: string; site: string; first: number; last: number }> = [];
  for (const c of components.values()) {
    let visitor: string;
    if (c.existing.size === 0) {
      visitor = randomUUID();
      created.push({ id: visitor, first: c.minMs, last: c.maxMs });
    } else {
      // The oldest visitor survives a merge: its id is the one most already refer to.
      const [survivor, ...losers] = [...c.existing]
        .map((id) => locked.get(id) as Locked)
        .sort((a, b) => a.first_seen_at.getTime() - b.first_seen_at.getTime() || (a.id < b.id ? -1 : 1));
      visitor = (survivor as Locked).id;
      const first = Math.min(c.minMs, ...losers.map((l) => l.first_seen_at.getTime()));
      seen.push({ id: visitor, first, last: c.maxMs });
      for (const l of losers) merges.push({ loser: l.id, survivor: visitor });
    }
    for (const ev of c.evs) ev.visitorId = visitor;
    const site = c.evs[0]?.e.site ?? '';
    for (const key of c.keys) {
      if (!knownKeys.has(key.id)) {
        newIdentities.push({ key, visitor, site, first: c.minMs, last: c.maxMs });
      }
    }
  }

  await mergeVisitors(trx, merges);
  const writes: Statement[] = [];
  if (created.length > 0) {
    writes.push({
      sql: sql`insert into visitors (id, first_seen_at, last_seen_at)
      select id, first_seen_at, last_seen_at from ${unnest([
        ['id', 'uuid', created.map((v) => v.id)],
        ['first_seen_at', 'epoch_ms', created.map((v) => v.first)],
        ['last_seen_at', 'epoch_ms', created.map((v) => v.last)],
      ])}`,
    });
  }
  if (seen.length > 0) {
    // last_seen_at moves in steps of a minute: a visitor active in every batch is not rewritten each time.
    writes.push({
      sql: sql`update visitors v set first_seen_at = least(v.first_seen_at, u.first_seen_at),
        last_seen_at = greatest(v.last_seen_at, u.last_seen_at)
      from ${unnest([
        ['id', 'uuid', seen.map((v) => v.id)],
        ['first_seen_at', 'epoch_ms', seen.map((v) => v.first)],
        ['last_seen_at', 'epoch_ms', seen.map((v) => v.last)],
      ])} where v.id = u.id
        and (u.first_seen_at < v.first_seen_at or u.last_seen_at > v.last_seen_at + interval '1 minute')`,
    });
  }
  if (newIdentities.length > 0) {
    newIdentities.sort((a, b) => (a.key.id < b.key.id ? -1 : 1));
    writes.push({
      count: 'identities',
      sql: sql`
      insert into identities (kind, value, visitor_id, site_id, first_seen_at, last_seen_at)
      select * from ${unnest([
        ['kind', 'text', newIdentities.map((n) => n.key.kind)],
        ['value', 'text', newIdentities.map((n) => n.key.value)],
        ['visitor_id', 'uuid', newIdentities.map((n) => n.visitor)],
        ['site_id', 'text', newIdentities.map((n) => n.site)],
        ['first_seen_at', 'epoch_ms', newIdentities.map((n) => n.first)],
        ['last_seen_at', 'epoch_ms', newIdentities.map((n) => n.last)],
      ])}
      order by kind, value
      on conflict do nothing returning kind`,
    });
  }
  const counts = await runTogether(trx, writes);
  // Another batch linked one of these ids first: our picture of who is who is stale.
  if ((counts.identities ?? 0) !== newIdentities.length) throw new RetryableConflict('identity created concurrently');
  return merges;
}
