import type { Db } from '@rt/db';
import { type Kysely, sql, type Transaction } from 'kysely';
import { FEED_COLUMNS, type RawRow } from './formats/format';
import { type FeedProduct, validateRow } from './validate';

/** Rows a statement carries: big enough to amortise a round trip, small enough to stay in memory. */
const BATCH = 2000;
/** Problems kept to print; the rest are counted. */
export const MAX_PROBLEMS_KEPT = 20;

/** The staging table's columns: every column a feed sets. */
const COLUMNS = FEED_COLUMNS satisfies readonly (keyof FeedProduct)[];
const NUMERIC = new Set<string>(['price', 'sale_price']);

export interface RowProblem {
  /** The row's position as its format counts it ("line 7", "item 3"), and its id when it has one. */
  where: string;
  message: string;
}

export interface ImportResult {
  imported: number;
  /** Invalid rows (skipped with `skipInvalid`, else the reason nothing was imported). */
  problems: RowProblem[];
  problemCount: number;
}

export interface ImportOptions {
  site: string;
  unit: string;
  labels?: Record<string, string>;
  skipInvalid: boolean;
  /** Called after each batch with the rows read so far. */
  onBatch?(rowsRead: number): void;
}

/** Thrown inside the transaction to roll it back when the feed has errors. */
class Rejected extends Error {}

/**
 * Imports a feed as it streams, in bounded memory, all or nothing: rows are checked one by one
 * and written in batches to a temporary staging table (its primary key finds an id repeated
 * anywhere in the feed without holding every id in memory), then copied into `products` in one
 * statement. All of it runs in one transaction, so a feed with errors (or a crash half way)
 * leaves the catalog as it was, and readers never see half a feed. A first validating pass
 * instead would read the feed twice, which a fetched feed cannot do without a temporary file.
 */
export async function importFeed(db: Db, rows: AsyncIterable<RawRow>, opts: ImportOptions): Promise<ImportResult> {
  const result: ImportResult = { imported: 0, problems: [], problemCount: 0 };
  const problem = (row: RawRow, message: string, id?: string | null) => {
    result.problemCount += 1;
    if (result.problems.length < MAX_PROBLEMS_KEPT) {
      result.problems.push({ where: `${row.unit ?? opts.unit} ${row.line}${id ? ` (id ${id})` : ''}`, message });
    }
  };
  try {
    await db.transaction().execute(async (trx) => {
      await sql`create temp table feed_staging (
        line int not null, id text primary key, name text, price numeric, currency text, url text,
        image text, category text, sale_price numeric, availability text, brand text,
        item_group_id text, google_product_category text) on commit drop`.execute(trx);
      let batch: { row: RawRow; p: FeedProduct }[] = [];
      let read = 0;
      const flush = async () => {
        const first = await stage(trx, batch);
        for (const { row, p } of batch) {
          const line = first.get(p.id);
          if (line !== row.line)
            problem(row, `${opts.labels?.id ?? 'id'} "${p.id}" already appears on ${row.unit ?? opts.unit} ${line}`);
        }
        batch = [];
        opts.onBatch?.(read);
      };
      for await (const row of rows) {
        read += 1;
        try {
          batch.push({ row, p: validateRow(row.fields, opts.labels) });
        } catch (err) {
          const id = typeof row.fields.id === 'string' ? row.fields.id.trim() : null;
          problem(row, (err as Error).message, id);
        }
        if (batch.length >= BATCH) await flush();
      }
      await flush();
      if (result.problemCount && !opts.skipInvalid) throw new Rejected();
      result.imported = await publish(trx, opts.site);
    });
  } catch (err) {
    if (!(err instanceof Rejected)) throw err;
  }
  return result;
}

/**
 * Writes a batch to the staging table (the first of each id; the first anywhere in the feed wins)
 * and answers the line where each of the batch's ids first appeared, in this batch or earlier.
 */
async function stage(trx: Transaction<any>, batch: { row: RawRow; p: FeedProduct }[]): Promise<Map<string, number>> {
  const first = new Map<string, number>();
  const unique = batch.filter(({ row, p }) => !first.has(p.id) && first.set(p.id, row.line));
  if (!unique.length) return first;
  const cols = sql.join(COLUMNS.map((c) => sql.id(c)));
  const arrays = sql.join(
    COLUMNS.map((c) => sql`unnest(${unique.map(({ p }) => p[c])}::${sql.raw(NUMERIC.has(c) ? 'numeric' : 'text')}[])`),
  );
  const lines = unique.map(({ row }) => row.line);
  const { rows: staged } = await sql<{ id: string }>`
    insert into feed_staging (line, ${cols}) select unnest(${lines}::int[]), ${arrays}
    on conflict (id) do nothing returning id`.execute(trx);
  if (staged.length < unique.length) {
    const fresh = new Set(staged.map((r) => r.id));
    const earlier = unique.filter(({ p }) => !fresh.has(p.id)).map(({ p }) => p.id);
    const { rows: found } = await sql<{ id: string; line: number }>`
      select id, line from feed_staging where id = any(${earlier}::text[])`.execute(trx);
    for (const f of found) first.set(f.id, f.line);
  }
  return first;
}

/** Copies the staged feed into the catalog; a product removed earlier and in the feed again is restored. */
async function publish(trx: Kysely<any>, site: string): Promise<number> {
  const cols = sql.join(COLUMNS.map((c) => sql.id(c)));
  const updates = sql.join(COLUMNS.filter((c) => c !== 'id').map((c) => sql`${sql.id(c)} = excluded.${sql.id(c)}`));
  const res = await sql`
    insert into products (site_id, ${cols}, updated_at)
    select ${site}, ${cols}, now() from feed_staging
    on conflict (site_id, id) do update set ${updates}, updated_at = excluded.updated_at, removed_at = null`.execute(
    trx,
  );
  return Number(res.numAffectedRows ?? 0);
}
