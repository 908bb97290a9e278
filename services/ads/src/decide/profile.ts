import type { History } from './history';
import { type Prepared, prepare } from './rank';

/** What a decision needs of a visitor's history; the history cache holds exactly this. */
export interface VisitorProfile {
  visitorId: string | null;
  prepared: Prepared;
  /** The merchants the visitor engaged with: their popular products fill first. */
  sites: Set<string>;
}

export function profileOf(history: Pick<History, 'visitorId' | 'cart' | 'viewed'>): VisitorProfile {
  const sites = new Set<string>();
  for (const e of history.cart) sites.add(e.product.site);
  for (const e of history.viewed) sites.add(e.product.site);
  return { visitorId: history.visitorId, prepared: prepare(history), sites };
}
