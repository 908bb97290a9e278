import type { AdReason, TouchKind } from '@rt/db';
import type { GenCatalog, GenProduct } from './catalog';
import type { Journey } from './journey';
import { hex, type Rng } from './random';

export interface GenImpression {
  ad: string;
  position: number;
  partner: string;
  product: GenProduct;
  reason: AdReason;
  shown: number;
}
export interface GenClick {
  ad: string;
  partner: string;
  product: GenProduct;
  clicked: number;
}
export interface GenConversion {
  transaction: string;
  product: GenProduct;
  ad: string;
  partner: string;
  touch: TouchKind;
  revenue: number;
  converted: number;
  touched: number;
}

const DAY = 864e5;

/** Ads shown to a visitor on partner sites after their visits, their clicks, and the purchases they earn. */
export function adsFor(rng: Rng, catalog: GenCatalog, j: Journey, to: number) {
  const impressions: GenImpression[] = [];
  const clicks: GenClick[] = [];
  const conversions: GenConversion[] = [];
  if (!j.visitor || j.bot || !j.events.length || !rng.chance(0.35)) return { impressions, clicks, conversions };
  const popular = catalog.products.get(j.site)!;
  const viewed = [...new Set(j.events.filter((e) => e.type === 'view_item').map((e) => e.product!))];
  const first = j.events[0]!.ts;
  for (let n = 1 + rng.geometric(0.45); n > 0; n--) {
    const ad = `ad_${hex(8)}`;
    const partner = rng.pick(catalog.partners);
    // Some ads run just before a later visit, as retargeting intends; the rest anywhere after the first.
    const shown = rng.chance(0.4)
      ? Math.max(first, rng.pick(j.sessions).start - rng.next() * (DAY / 2))
      : first + rng.next() * (to - first);
    const picks = [...viewed].sort(() => rng.next() - 0.5).slice(0, 4);
    for (let i = 0; picks.length < 4 && i < 20; i++) {
      const p = popular[rng.int(0, Math.min(50, popular.length - 1))]!;
      if (!picks.includes(p)) picks.push(p);
    }
    picks.forEach((product, position) => {
      const reason = j.cart.has(product.id) ? 'in_cart' : viewed.includes(product) ? 'viewed' : 'popular';
      impressions.push({ ad, position, partner, product, reason, shown });
    });
    if (rng.chance(0.06))
      clicks.push({ ad, partner, product: rng.pick(picks), clicked: shown + rng.int(2, 60) * 1000 });
  }
  // Attribution as the ads service does it: click within 30 days first, else impression within 1 day.
  for (const order of j.orders) {
    for (const line of order.lines) {
      const click = clicks.find(
        (c) => c.product === line.product && c.clicked < order.ts && order.ts - c.clicked <= 30 * DAY,
      );
      const imp = click
        ? undefined
        : impressions.find((i) => i.product === line.product && i.shown < order.ts && order.ts - i.shown <= DAY);
      const touch = click ?? imp;
      if (!touch) continue;
      conversions.push({
        transaction: order.transaction,
        product: line.product,
        ad: touch.ad,
        partner: touch.partner,
        touch: click ? 'click' : 'impression',
        revenue: Math.round(line.product.price * line.quantity * 100) / 100,
        converted: order.ts,
        touched: click ? click.clicked : imp!.shown,
      });
    }
  }
  return { impressions, clicks, conversions };
}
