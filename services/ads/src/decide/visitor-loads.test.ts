import { createLogger } from '@rt/runtime';
import { createTestEnv, type TestEnv } from '@rt/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMetrics } from '../metrics';
import { addToCart, seedMerchant, seedProduct, seedVisitor } from '../testing/fixtures';
import { HistoryCache } from './history-cache';
import { VisitorLoads } from './visitor-loads';

let env: TestEnv;
beforeAll(async () => {
  env = await createTestEnv();
  await seedMerchant(env.db, 'shop');
  for (const id of ['A', 'B']) await seedProduct(env.db, 'shop', id);
});
afterAll(() => env.close());

function loadsWithCache() {
  const history = new HistoryCache();
  history.setLive(true);
  const loads = new VisitorLoads({
    db: env.db,
    pool: null,
    history,
    capsCache: null,
    redisCaps: true,
    lookbackDays: 30,
    metrics: createMetrics().metrics,
    logger: createLogger('ads', 'silent'),
  });
  return { history, loads };
}

const carted = (p: { prepared: { cart: { product: { id: string } }[] } } | undefined) =>
  p?.prepared.cart.map((c) => c.product.id);

describe('VisitorLoads', () => {
  it('gives concurrent callers for one visitor the same load', async () => {
    const { loads, history } = loadsWithCache();
    const v = await seedVisitor(env.db);
    await addToCart(env.db, v.id, 'shop', 'A');
    const who = { rtVid: v.rtVid, emailSha256: null };
    const first = loads.load(who, false);
    expect(loads.load(who, false)).toBe(first);
    expect(carted((await first).profile)).toEqual(['A']);
    expect(carted(history.get(who))).toEqual(['A']);
  });

  it('a change announced during a load: those waiting answer from it, later callers wait for a new one', async () => {
    const { loads, history } = loadsWithCache();
    const v = await seedVisitor(env.db);
    await addToCart(env.db, v.id, 'shop', 'A');
    const who = { rtVid: v.rtVid, emailSha256: null };
    const under = loads.load(who, false, [v.id]);
    // The announcement arrives while the statement runs (it read the rows from before).
    loads.invalidate([v.id]);
    const next = loads.load(who, false);
    expect(next).not.toBe(under);
    expect(carted((await under).profile)).toEqual(['A']);
    await next;
    await loads.settled();
    // The overtaken load was not stored; the one behind it was.
    expect(carted(history.get(who))).toEqual(['A']);
  });

  it('loads a changed visitor it held nothing of, found by its cookie', async () => {
    const { loads, history } = loadsWithCache();
    const v = await seedVisitor(env.db);
    await addToCart(env.db, v.id, 'shop', 'B');
    const who = { rtVid: v.rtVid, emailSha256: null };
    expect(history.get(who)).toBeUndefined();
    loads.invalidate([v.id]);
    await loads.settled();
    expect(carted(history.get(who))).toEqual(['B']);
  });

  it('a held visitor announced as changed is dropped and loaded again with the change', async () => {
    const { loads, history } = loadsWithCache();
    const v = await seedVisitor(env.db);
    await addToCart(env.db, v.id, 'shop', 'A');
    const who = { rtVid: v.rtVid, emailSha256: null };
    await loads.load(who, false);
    await addToCart(env.db, v.id, 'shop', 'B', 0);
    loads.invalidate([v.id]);
    expect(history.get(who)).toBeUndefined();
    await loads.settled();
    expect(carted(history.get(who))).toEqual(['B', 'A']);
  });
});
