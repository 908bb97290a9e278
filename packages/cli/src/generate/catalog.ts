import type { Rng } from './random';

export interface GenProduct {
  site: string;
  id: string;
  name: string;
  price: number;
  currency: string;
  url: string;
  image: string;
  category: string;
  views: number;
  carts: number;
  purchases: number;
}

export interface GenCatalog {
  sites: string[];
  partners: string[];
  /** Products per site, most popular first. */
  products: Map<string, GenProduct[]>;
}

const CATEGORIES = ['consoles', 'games', 'audio', 'phones', 'laptops', 'cameras', 'books', 'toys', 'garden', 'kitchen'];

export function buildCatalog(rng: Rng, siteCount: number, partnerCount: number, productCount: number): GenCatalog {
  const sites = Array.from({ length: siteCount }, (_, i) => `gen-shop-${i + 1}`);
  const partners = Array.from({ length: partnerCount }, (_, i) => `gen-news-${i + 1}`);
  const products = new Map<string, GenProduct[]>();
  const perSite = Math.max(1, Math.floor(productCount / siteCount));
  for (const site of sites) {
    const list: GenProduct[] = [];
    for (let i = 1; i <= perSite; i++) {
      const id = `SKU-${String(i).padStart(6, '0')}`;
      list.push({
        site,
        id,
        name: `${rng.pick(CATEGORIES)} item ${i}`,
        price: Math.round((5 + rng.next() ** 2 * 995) * 100) / 100,
        currency: 'EUR',
        url: `https://${site}.example/p/${id}`,
        image: `https://${site}.example/i/${id}.jpg`,
        category: rng.pick(CATEGORIES),
        views: 0,
        carts: 0,
        purchases: 0,
      });
    }
    products.set(site, list);
  }
  return { sites, partners, products };
}
