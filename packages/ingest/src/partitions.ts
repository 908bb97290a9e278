import { type Db, ensureEventPartitions, monthPartitionsFor } from '@rt/db';
import { sql } from 'kysely';

const DAY = 86_400_000;

/**
 * Remembers which monthly partitions of `events` exist so the write path asks PostgreSQL only
 * when a batch holds a month it has not seen. Creation is idempotent and race-safe.
 */
export class PartitionCache {
  private readonly known = new Set<string>();

  constructor(private readonly db: Db) {}

  async ensureFor(times: number[]): Promise<void> {
    if (times.length === 0) return;
    let lo = Infinity;
    let hi = -Infinity;
    for (const t of times) {
      if (t < lo) lo = t;
      if (t > hi) hi = t;
    }
    const wanted = monthPartitionsFor(new Date(lo), new Date(hi));
    if (wanted.every((p) => this.known.has(p.name))) return;
    await ensureEventPartitions(this.db, new Date(lo), new Date(hi));
    for (const p of wanted) this.known.add(p.name);
  }

  /** Partitions for last month through `monthsAhead` months from now. */
  async ensureAhead(now = Date.now(), monthsAhead = 2): Promise<void> {
    await this.ensureFor([now - 31 * DAY, now + monthsAhead * 31 * DAY]);
  }

  forget(names: string[]): void {
    for (const n of names) this.known.delete(n);
  }
}

/**
 * Retention: drops the monthly partitions of `events` that end on or before `before` and
 * prunes `event_keys` older than it. Returns the dropped partition names.
 */
export async function dropPartitionsOlderThan(db: Db, before: Date): Promise<string[]> {
  const { rows } = await sql<{ name: string }>`
    select c.relname as name from pg_inherits i
    join pg_class c on c.oid = i.inhrelid
    join pg_class p on p.oid = i.inhparent
    where p.relname = 'events' and p.relnamespace = current_schema()::regnamespace`.execute(db);
  const dropped: string[] = [];
  for (const { name } of rows) {
    const m = /^events_(\d{4})_(\d{2})$/.exec(name);
    if (!m) continue;
    const end = Date.UTC(Number(m[1]), Number(m[2]), 1);
    if (end > before.getTime()) continue;
    await sql`drop table if exists ${sql.id(name)}`.execute(db);
    dropped.push(name);
  }
  await sql`delete from event_keys where ts < ${before.toISOString()}::timestamptz`.execute(db);
  return dropped.sort();
}
