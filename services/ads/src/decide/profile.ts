import type { History, VisitorProfile } from './model';
import { prepare } from './rank';

export function profileOf(history: Pick<History, 'visitorId' | 'cart' | 'viewed'>): VisitorProfile {
  const sites = new Set<string>();
  for (const e of history.cart) sites.add(e.product.site);
  for (const e of history.viewed) sites.add(e.product.site);
  return { visitorId: history.visitorId, prepared: prepare(history), sites };
}
