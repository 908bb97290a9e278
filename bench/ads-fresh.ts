import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createDb, notifyVisitorChanges } from '@rt/db';
import { sql } from 'kysely';
import { startAdsProcess } from './ads-load';
import { BENCH_SHAPE, benchCookie } from './ads-seed';

export const FRESH_RATE = 500;
const CHANGES_PER_SECOND = 50;
/** A decision counts as "within one second of the change" when asked this soon after its commit. */
const WINDOW_MS = 1000;

interface Changed {
  cookie: string;
  product: string;
  at: number;
}

export interface FreshResult {
  /** Decisions for a visitor within 1 s of their last change. */
  afterChange: number;
  /** Of those, personal (a known visitor, not the popular fallback). */
  personal: number;
  /** Of those, already showing the change (the product just carted first, as in_cart). */
  showingChange: number;
  /** Decisions for the other visitors with history, and how many were personal. */
  others: number;
  othersPersonal: number;
  fallbacks: Record<string, number>;
  changes: number;
}

/**
 * The first ads after a change, on a cold start: a new ads process, and from the moment it says
 * ready, FRESH_RATE decisions/s, while a writer carts a product for a visitor CHANGES_PER_SECOND
 * times a second (as the ingester does: in one transaction with its announcement; a third of them
 * new visitors with their first cart). Half of the decisions go to visitors changed within the last
 * second, at whatever moment after the commit their turn comes; the others to random bench visitors.
 */
export async function measureFreshness(
  databaseUrl: string,
  redisUrl: string,
  seconds: number,
  children: ChildProcess[],
): Promise<FreshResult> {
  const db = createDb(databaseUrl, { max: 4 });
  const { child, port } = await startAdsProcess(databaseUrl, redisUrl, children);
  const recent: Changed[] = [];
  const out: FreshResult = {
    afterChange: 0,
    personal: 0,
    showingChange: 0,
    others: 0,
    othersPersonal: 0,
    fallbacks: {},
    changes: 0,
  };
  try {
    const started = performance.now();
    const until = started + seconds * 1000;
    const url = `http://127.0.0.1:${port}/v1/ad?partner=bench-news&slot=side&n=4&format=json`;
    const pending: Promise<unknown>[] = [];

    const change = async (n: number) => {
      const product = `P${1 + Math.floor(Math.random() * BENCH_SHAPE.products)}`;
      let cookie: string;
      await db.transaction().execute(async (trx) => {
        let visitor: string;
        if (n % 3 === 0) {
          visitor = randomUUID();
          cookie = `bench-fresh-${visitor}`;
          await sql`insert into visitors (id, first_seen_at, last_seen_at) values (${visitor}, now(), now())`.execute(
            trx,
          );
          await sql`insert into identities (kind, value, visitor_id, first_seen_at, last_seen_at)
            values ('rt_vid', ${cookie}, ${visitor}, now(), now())`.execute(trx);
        } else {
          const i = 1 + Math.floor(Math.random() * BENCH_SHAPE.visitors);
          cookie = benchCookie(i);
          const row = await sql<{ visitor_id: string }>`select visitor_id from identities
            where kind = 'rt_vid' and value = ${cookie}`.execute(trx);
          visitor = row.rows[0]!.visitor_id;
        }
        await sql`insert into carts (site_id, visitor_id, product_id, quantity, price, currency, added_at, updated_at)
          values ('bench-shop', ${visitor}, ${product}, 1, 9.99, 'EUR', now(), now())
          on conflict (site_id, visitor_id, product_id) do update set updated_at = now(), added_at = now()`.execute(
          trx,
        );
        await notifyVisitorChanges([visitor])!.execute(trx);
      });
      out.changes++;
      recent.push({ cookie: cookie!, product, at: performance.now() });
    };

    const decide = async (target: Changed | null) => {
      const cookie = target ? target.cookie : benchCookie(1 + Math.floor(Math.random() * BENCH_SHAPE.visitors));
      const res = await fetch(url, { headers: { cookie: `rt_vid=${cookie}` } });
      const ad = (await res.json()) as { visitor: string; products: { id: string; reason: string }[] };
      const personal = res.ok && ad.visitor === 'known';
      if (target) {
        out.afterChange++;
        if (personal) out.personal++;
        if (ad.products[0]?.id === target.product && ad.products[0].reason === 'in_cart') out.showingChange++;
      } else {
        out.others++;
        if (personal) out.othersPersonal++;
      }
    };

    // Every 10 ms: its share of decisions and of changes, on schedule whatever the answers do.
    let tick = 0;
    await new Promise<void>((resolve) => {
      const timer = setInterval(() => {
        const now = performance.now();
        if (now >= until) {
          clearInterval(timer);
          resolve();
          return;
        }
        tick++;
        while (recent.length && now - recent[0]!.at > WINDOW_MS) recent.shift();
        if (tick % (100 / CHANGES_PER_SECOND) === 0) pending.push(change(tick).catch(() => {}));
        for (let k = 0; k < FRESH_RATE / 100; k++) {
          const target = k % 2 === 0 && recent.length ? recent[Math.floor(Math.random() * recent.length)]! : null;
          pending.push(decide(target).catch(() => {}));
        }
      }, 10);
    });
    await Promise.all(pending);
    const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    for (const m of metrics.matchAll(/^ads_deadline_fallbacks_total\{[^}]*cause="(\w+)"[^}]*\} (\d+)/gm)) {
      out.fallbacks[m[1]!] = Number(m[2]);
    }
    return out;
  } finally {
    child.kill('SIGTERM');
    await db.destroy();
  }
}
