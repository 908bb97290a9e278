import type { Db } from '@rt/db';
import { sql, type Transaction } from 'kysely';
import { cartsOf, cartsQuery, updateCarts } from './carts/update-carts';
import { CLAIM_SAVEPOINT, claimEventKeys } from './events/claim-event-keys';
import { prepareEvents } from './events/prepare-events';
import { eventsWrite } from './events/write-events';
import { rejectedWrite } from './events/write-rejected';
import { changedVisitors } from './identity/announce-visitor-changes';
import { resolveVisitors } from './identity/resolve-visitors';
import { splitByPerson } from './identity/split-by-person';
import { interestWrite } from './interest/write-interest';
import { type BatchInput, type Ev, RetryableConflict } from './model';
import { attributeNewOrders } from './orders/attribute-orders';
import { ordersInsert } from './orders/insert-orders';
import type { PartitionCache } from './partitions';
import { productsWrite } from './products/write-products';
import { assignSessions } from './sessions/assign-sessions';
import { sessionPairs, sessionsQuery } from './sessions/read-sessions';
import { readTogether, runTogether, type Statement } from './sql/statements';

// The table of contents of the ingester: writeBatch prepares a batch and divides it by person,
// writePart runs each part's transaction (again on a conflict), and writeInTransaction lists the
// steps of that transaction in order. Each step is a file named for what it does, in the folder
// of its concern (events, identity, sessions, carts, interest, products, orders); docs/ingester.md
// tells the story.

export interface WriteOptions {
  partitions: PartitionCache;
  /** Events older than this many days are past retention: not stored (their partition may be gone). */
  retentionDays?: number;
  now?: () => number;
  /** Attempts when a concurrent writer conflicts (deadlock, stale identity). */
  maxAttempts?: number;
  /**
   * Transactions a batch is split into, written at the same time: the batch's people are
   * divided among them (splitByPerson), so each part locks its own visitors and the database
   * works on one part while the worker prepares another. A part gets at least
   * MIN_PART_EVENTS events. Default 1.
   */
  parallel?: number;
}

/** Below this many events a part's fixed cost (its own transaction and round trips) outweighs the overlap. */
export const MIN_PART_EVENTS = 1000;

export interface WriteStats {
  /** Distinct events in the batch. */
  events: number;
  /** Events new to the tables (the rest were replays). */
  inserted: number;
  duplicates: number;
  expired: number;
  rejected: number;
  merges: number;
  /** Attempts of the part that needed the most. */
  attempts: number;
  /** Transactions the batch was written in. */
  parts: number;
}

const RETRYABLE_PG = new Set(['40P01', '40001', '23505']);

export function isRetryableConflict(err: unknown): boolean {
  if (err instanceof RetryableConflict) return true;
  const code = (err as { code?: unknown })?.code;
  return typeof code === 'string' && RETRYABLE_PG.has(code);
}

async function writeInTransaction(trx: Transaction<any>, evs: Ev[], rejectedRecords: BatchInput['rejected']) {
  // The batch statements' row estimates (unnest of large arrays, recursive CTEs) pass
  // jit_above_cost, and compiling them took longer than running them: 60 ms of a 65 ms
  // attribution statement, on every batch.
  await sql.raw(`set local jit = off; ${CLAIM_SAVEPOINT}`).execute(trx);
  // 1. Event keys: only the batch's new events go further.
  const news = await claimEventKeys(trx, evs);
  // 2. Visitors and identities, merging visitors a login shows are one person.
  const merges = await resolveVisitors(trx, news);
  // 3. Orders (which purchases count), sessions and carts in one round trip.
  const pairs = sessionPairs(news);
  const carts = cartsOf(news);
  const orders = ordersInsert(news);
  const sessionsRead = sessionsQuery(pairs);
  const cartsRead = cartsQuery(carts);
  const read = await readTogether(trx, orders ? { orders } : {}, {
    ...(sessionsRead ? { sessions: sessionsRead } : {}),
    ...(cartsRead ? { carts: cartsRead } : {}),
  });
  const counted = new Set<string>((read.orders ?? []).map((r: { event_id: string }) => r.event_id));
  // 4. Sessions and carts computed in the worker; new orders credited to the ads before them.
  const sessionWrites = await assignSessions(trx, pairs, read.sessions ?? []);
  const cartWrites = updateCarts(carts, read.carts ?? [], news, counted);
  await attributeNewOrders(trx, news, counted);
  // 5. Everything left touches disjoint rows: one statement, one round trip. Popular products are
  // the only rows the parts of a batch share, so they are written last: a part holds those row
  // locks only for the end of its statement and its commit, while the other part waits for them.
  // PostgreSQL runs the statements whose rows the final select does not read after it, in
  // reverse order (es_auxmodifytables is built by prepending), so products come first here.
  const writes = [
    productsWrite(news, counted),
    ...sessionWrites,
    ...cartWrites,
    interestWrite(news, carts, counted),
    eventsWrite(news),
    rejectedWrite(rejectedRecords),
    changedVisitors(news, merges),
  ].filter((w): w is Statement => w !== null);
  const { rejected = 0 } = await runTogether(trx, writes);
  return { inserted: news.length, merges: merges.length, rejected };
}

/**
 * Writes one batch (events of several jobs): event keys, visitors and identities, orders,
 * sessions, carts, interest, products, events, rejected records. Each event's derived state
 * commits in the same transaction as the event; with `parallel` the batch is divided by person
 * into several such transactions, written at the same time. Replays change nothing; a conflict
 * with a concurrent writer rolls back that transaction and runs it again.
 */
export async function writeBatch(db: Db, input: BatchInput, opts: WriteOptions): Promise<WriteStats> {
  const now = opts.now?.() ?? Date.now();
  const cutoff = now - (opts.retentionDays ?? 400) * 86_400_000;
  const { evs, distinct, expired } = prepareEvents(input.events, cutoff);
  await opts.partitions.ensureFor(evs.map((ev) => ev.ms));
  const parallel = Math.max(1, Math.min(opts.parallel ?? 1, Math.floor(evs.length / MIN_PART_EVENTS)));
  const parts = splitByPerson(evs, parallel);
  // Every part runs to its end (commit or last attempt) before the batch settles: a caller that
  // retries the batch never races a part of it still in flight.
  const settled = await Promise.allSettled(
    parts.map((part, i) => writePart(db, part, i === 0 ? input.rejected : [], opts.maxAttempts ?? 6)),
  );
  const failed = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
  const done = settled.map((r) => (r as PromiseFulfilledResult<PartStats>).value);
  const inserted = done.reduce((n, r) => n + r.inserted, 0);
  return {
    events: distinct,
    inserted,
    duplicates: evs.length - inserted,
    expired,
    rejected: done.reduce((n, r) => n + r.rejected, 0),
    merges: done.reduce((n, r) => n + r.merges, 0),
    attempts: Math.max(1, ...done.map((r) => r.attempts)),
    parts: parts.length,
  };
}

interface PartStats {
  inserted: number;
  merges: number;
  rejected: number;
  attempts: number;
}

/** One transaction for `evs`, run again (from a clean state) when a concurrent writer conflicts. */
async function writePart(db: Db, evs: Ev[], rejected: BatchInput['rejected'], maxAttempts: number): Promise<PartStats> {
  for (let attempt = 1; ; attempt++) {
    try {
      const r = await db.transaction().execute((trx) => writeInTransaction(trx, evs, rejected));
      return { ...r, attempts: attempt };
    } catch (err) {
      if (!isRetryableConflict(err) || attempt >= maxAttempts) throw err;
      for (const ev of evs) {
        ev.visitorId = null;
        ev.sessionId = null;
      }
      await new Promise((r) => setTimeout(r, Math.random() * 20 * attempt));
    }
  }
}
