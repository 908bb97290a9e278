import { type Db, ensureEventPartitions } from '@rt/db';
import { sql } from 'kysely';
import type pg from 'pg';
import { adsFor } from './ads';
import { buildCatalog, type GenCatalog } from './catalog';
import { CopyWriter } from './copy-writer';
import { dropSecondaryIndexes, recreateIndexes } from './indexes';
import { type Journey, journey, trimJourney } from './journey';
import { Rng, Zipf } from './random';
import { COLUMNS, type Writers, writeJourney } from './rows';

export interface GenerateOptions {
  events: number;
  days: number;
  sites: number;
  partners: number;
  products: number;
  seed: number;
  /** Drop the secondary indexes of the loaded tables and rebuild them at the end (faster on big loads). */
  deferIndexes?: boolean;
  onIndex?: (name: string) => void;
  /** Window end (default now). */
  until?: Date;
  onProgress?: (events: number) => void;
}

export interface GenerateSummary {
  rows: Record<string, number>;
  visitors: number;
  seconds: number;
}

/** Loads realistic synthetic traffic through COPY, one connection per table, in one go. */
export async function generate(pool: pg.Pool, db: Db, opts: GenerateOptions): Promise<GenerateSummary> {
  const started = Date.now();
  const rng = new Rng(opts.seed);
  const to = (opts.until ?? new Date()).getTime();
  const from = to - opts.days * 864e5;
  await ensureEventPartitions(db, new Date(from - 864e5), new Date(to + 864e5));
  const catalog = buildCatalog(rng, opts.sites, opts.partners, opts.products);
  await db
    .insertInto('sites')
    .values(
      catalog.sites.map((id) => ({ id, name: `Generated shop ${id}`, allowed_origins: [`https://${id}.example`] })),
    )
    .onConflict((oc) => oc.column('id').doNothing())
    .execute();
  await db
    .insertInto('partners')
    .values(
      catalog.partners.map((id) => ({ id, name: `Generated news ${id}`, allowed_origins: [`https://${id}.example`] })),
    )
    .onConflict((oc) => oc.column('id').doNothing())
    .execute();

  const deferred = opts.deferIndexes ? await dropSecondaryIndexes(db, Object.keys(COLUMNS)) : [];
  const writers = {} as Writers;
  let visitors = 0;
  let ended: PromiseSettledResult<void>[] = [];
  try {
    for (const [table, cols] of Object.entries(COLUMNS)) {
      writers[table as keyof Writers] = await CopyWriter.open(pool, table, cols);
    }
    visitors = await load(writers, rng, catalog, from, to, opts);
  } finally {
    ended = await Promise.allSettled(Object.values(writers).map((w) => w.end()));
    // Indexes come back even when the load failed part-way (a failed COPY leaves no rows).
    await recreateIndexes(db, deferred, opts.onIndex);
  }
  const failed = ended.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
  await upsertProducts(db, catalog);
  opts.onProgress?.(writers.events.rows);
  const rows = Object.fromEntries(Object.entries(writers).map(([t, w]) => [t, w.rows]));
  rows.products = [...catalog.products.values()].reduce((n, l) => n + l.length, 0);
  await sql`analyze`.execute(db);
  return { rows, visitors, seconds: (Date.now() - started) / 1000 };
}

/**
 * Writes visitor journeys until exactly the event target is reached; returns how many visitors
 * (rows of `visitors`: an opted-out browser has none) it took.
 */
async function load(
  writers: Writers,
  rng: Rng,
  catalog: GenCatalog,
  from: number,
  to: number,
  opts: GenerateOptions,
): Promise<number> {
  const siteZipf = new Zipf(catalog.sites.length, 0.8);
  const zipf = new Zipf(catalog.products.get(catalog.sites[0]!)!.length);
  let reported = 0;
  let visitors = 0;
  while (writers.events.rows < opts.events) {
    const site = catalog.sites[siteZipf.sample(rng)]!;
    let j: Journey = journey(rng, site, catalog.products.get(site)!, zipf, from, to);
    // Exactly the events asked for: the last journey stops at the target.
    const room = opts.events - writers.events.rows;
    if (j.events.length > room) j = trimJourney(j, room);
    if (j.visitor) visitors++;
    writeJourney(writers, j, adsFor(rng, catalog, j, to), to);
    for (const w of Object.values(writers)) await w.flushIfFull();
    if (writers.events.rows - reported >= 10_000) {
      reported = writers.events.rows;
      opts.onProgress?.(reported);
    }
  }
  return visitors;
}

async function upsertProducts(db: Db, catalog: GenCatalog) {
  const all = [...catalog.products.values()].flat();
  for (let i = 0; i < all.length; i += 1000) {
    const values = all.slice(i, i + 1000).map((p) => ({
      site_id: p.site,
      id: p.id,
      name: p.name,
      price: p.price,
      currency: p.currency,
      url: p.url,
      image: p.image,
      category: p.category,
      views: p.views,
      carts: p.carts,
      purchases: p.purchases,
      updated_at: new Date(),
    }));
    await db
      .insertInto('products')
      .values(values)
      .onConflict((oc) =>
        oc.columns(['site_id', 'id']).doUpdateSet({
          views: sql`products.views + excluded.views`,
          carts: sql`products.carts + excluded.carts`,
          purchases: sql`products.purchases + excluded.purchases`,
        }),
      )
      .execute();
  }
}
