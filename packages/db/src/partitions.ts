import { type Kysely, sql } from 'kysely';

export interface MonthPartition {
  name: string;
  from: string;
  to: string;
}

function monthStart(d: Date, offset = 0): Date {
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + offset, 1));
}

/** The monthly `events_YYYY_MM` partitions covering [from, to]. */
export function monthPartitionsFor(from: Date, to: Date): MonthPartition[] {
  const out: MonthPartition[] = [];
  for (let m = monthStart(from); m <= to; m = monthStart(m, 1)) {
    const next = monthStart(m, 1);
    const name = `events_${m.getUTCFullYear()}_${String(m.getUTCMonth() + 1).padStart(2, '0')}`;
    out.push({ name, from: m.toISOString(), to: next.toISOString() });
  }
  return out;
}

/** Creates any missing monthly partitions of `events` for [from, to]; idempotent and race-safe. */
export async function ensureEventPartitions(db: Kysely<any>, from: Date, to: Date): Promise<string[]> {
  const wanted = monthPartitionsFor(from, to);
  const existing = await sql<{ name: string }>`
    select c.relname as name from pg_inherits i
    join pg_class c on c.oid = i.inhrelid
    join pg_class p on p.oid = i.inhparent
    where p.relname = 'events' and p.relnamespace = current_schema()::regnamespace`.execute(db);
  const have = new Set(existing.rows.map((r) => r.name));
  const missing = wanted.filter((p) => !have.has(p.name));
  if (missing.length === 0) return [];
  await db.transaction().execute(async (trx) => {
    // One creator at a time; the others see the partition exists and skip.
    await sql`select pg_advisory_xact_lock(hashtext('rt:events:partitions'))`.execute(trx);
    for (const p of missing) {
      await sql`create table if not exists ${sql.id(p.name)} partition of events
        for values from (${sql.lit(p.from)}) to (${sql.lit(p.to)})`.execute(trx);
    }
  });
  return missing.map((p) => p.name);
}

/** Existing monthly partitions of `events`, oldest first, with the range their name stands for. */
export async function listEventPartitions(db: Kysely<any>): Promise<MonthPartition[]> {
  const { rows } = await sql<{ name: string }>`
    select c.relname as name from pg_inherits i
    join pg_class c on c.oid = i.inhrelid
    join pg_class p on p.oid = i.inhparent
    where p.relname = 'events' and p.relnamespace = current_schema()::regnamespace`.execute(db);
  return rows
    .map((r) => /^events_(\d{4})_(\d{2})$/.exec(r.name))
    .filter((m): m is RegExpExecArray => m !== null)
    .flatMap((m) => {
      const start = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, 1));
      return monthPartitionsFor(start, start);
    })
    .sort((a, b) => a.from.localeCompare(b.from));
}

/** The monthly partitions of `events` wholly before `cutoff` (ending on or before it): retention's. */
export async function eventPartitionsBefore(db: Kysely<any>, cutoff: Date): Promise<MonthPartition[]> {
  return (await listEventPartitions(db)).filter((p) => new Date(p.to) <= cutoff);
}

export interface Dropped {
  /** Names of the partitions dropped, oldest first. */
  partitions: string[];
  /** Dedup keys (`event_keys`) deleted with them. */
  keys: number;
}

/**
 * Retention, for the ingester (`RETENTION_DAYS`) and `rt partitions drop`: drops the monthly
 * partitions of `events` that end on or before `cutoff`, then the dedup keys of the events no
 * longer stored: those older than the earliest month kept (and than the cutoff), so a key whose
 * event still exists is never deleted and a replayed job cannot store that event twice. The keys
 * of months dropped earlier go too, so a run that stopped between the two steps is completed.
 */
export async function dropEventsBefore(db: Kysely<any>, cutoff: Date): Promise<Dropped> {
  const old = await eventPartitionsBefore(db, cutoff);
  if (old.length > 0) {
    await db.transaction().execute(async (trx) => {
      // Not while a writer creates partitions (ensureEventPartitions takes the same lock).
      await sql`select pg_advisory_xact_lock(hashtext('rt:events:partitions'))`.execute(trx);
      for (const p of old) await sql`drop table if exists ${sql.id(p.name)}`.execute(trx);
    });
  }
  const kept = (await listEventPartitions(db))[0];
  const bound = kept && new Date(kept.from) < cutoff ? new Date(kept.from) : cutoff;
  const keys = await sql`delete from event_keys where ts < ${bound.toISOString()}::timestamptz`.execute(db);
  return { partitions: old.map((p) => p.name), keys: Number(keys.numAffectedRows ?? 0) };
}
