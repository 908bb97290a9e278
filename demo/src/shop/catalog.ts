/** The demo shop's products: what its pages list and what seeding puts in the `products` table. */
export interface Product {
  id: string;
  name: string;
  /** Price in `currency`, tax included. */
  price: number;
  currency: string;
  category: string;
  description: string;
  /** Drawing of the generated product image. */
  color: string;
  shape: 'circle' | 'square' | 'diamond' | 'triangle' | 'ring';
  /** Plausible view count for a fresh install, so popular fill has an order on day one. */
  popularity: number;
}

export const catalog: readonly Product[] = [
  {
    id: 'SKU-1001',
    name: 'Nova Handheld Console',
    price: 299.99,
    currency: 'EUR',
    category: 'consoles',
    description: 'A hybrid console with a 7" OLED screen that docks to your TV in a second.',
    color: '#e4572e',
    shape: 'square',
    popularity: 140,
  },
  {
    id: 'SKU-1002',
    name: 'Orbit 4K Home Console',
    price: 449.0,
    currency: 'EUR',
    category: 'consoles',
    description: 'Native 4K at 120 frames per second, a 1 TB SSD and a very quiet fan.',
    color: '#2e86ab',
    shape: 'circle',
    popularity: 120,
  },
  {
    id: 'SKU-1003',
    name: 'Pulse Wireless Controller',
    price: 59.99,
    currency: 'EUR',
    category: 'accessories',
    description: 'Haptic triggers, 30 hours of battery and a USB-C cable in the box.',
    color: '#7768ae',
    shape: 'diamond',
    popularity: 95,
  },
  {
    id: 'SKU-2001',
    name: 'Aria Noise-Cancelling Headphones',
    price: 249.0,
    currency: 'EUR',
    category: 'headphones',
    description: 'Over-ear headphones that silence the train and keep the music.',
    color: '#1b998b',
    shape: 'ring',
    popularity: 110,
  },
  {
    id: 'SKU-2002',
    name: 'Breeze True Wireless Earbuds',
    price: 129.0,
    currency: 'EUR',
    category: 'headphones',
    description: 'Six hours per charge, twenty-four with the case, and a snug fit for running.',
    color: '#f3a712',
    shape: 'circle',
    popularity: 88,
  },
  {
    id: 'SKU-2003',
    name: 'Studio Monitor Headphones',
    price: 169.5,
    currency: 'EUR',
    category: 'headphones',
    description: 'Flat, honest sound for mixing, with a coiled cable and replaceable pads.',
    color: '#3d405b',
    shape: 'ring',
    popularity: 41,
  },
  {
    id: 'SKU-3001',
    name: 'Lumen 27" 4K Monitor',
    price: 379.0,
    currency: 'EUR',
    category: 'monitors',
    description: 'An IPS panel with 98% DCI-P3 coverage and a single cable for power and picture.',
    color: '#5c9ead',
    shape: 'square',
    popularity: 63,
  },
  {
    id: 'SKU-3002',
    name: 'Tact Mechanical Keyboard',
    price: 119.9,
    currency: 'EUR',
    category: 'accessories',
    description: 'Hot-swappable switches, PBT keycaps and a compact 75% layout.',
    color: '#c33c54',
    shape: 'triangle',
    popularity: 57,
  },
  {
    id: 'SKU-4001',
    name: 'Sound & Vision Soundbar',
    price: 199.0,
    currency: 'EUR',
    category: 'speakers',
    description: 'A slim soundbar with a wireless subwoofer and a dialogue mode that works.',
    color: '#254e70',
    shape: 'diamond',
    popularity: 72,
  },
  {
    id: 'SKU-4002',
    name: 'Beam Portable Speaker',
    price: 89.0,
    currency: 'EUR',
    category: 'speakers',
    description: 'Waterproof, floats, and plays for a whole day at the lake.',
    color: '#8ac926',
    shape: 'triangle',
    popularity: 66,
  },
];

export function productUrl(origin: string, id: string): string {
  return `${origin}/p/${encodeURIComponent(id)}`;
}

export function productImageUrl(origin: string, id: string): string {
  return `${origin}/img/${encodeURIComponent(id)}.svg`;
}

/** One product as a feed row (and as the `items[]` entry of the tag's events): absolute URLs. */
export interface FeedItem {
  id: string;
  name: string;
  price: number;
  currency: string;
  category: string;
  url: string;
  image: string;
}

export function toFeedItem(origin: string, p: Product): FeedItem {
  return {
    id: p.id,
    name: p.name,
    price: p.price,
    currency: p.currency,
    category: p.category,
    url: productUrl(origin, p.id),
    image: productImageUrl(origin, p.id),
  };
}

/** The product feed of the shop served at `origin`, as a CSV/JSON import would carry it. */
export function productFeed(origin: string, products: readonly Product[] = catalog): FeedItem[] {
  return products.map((p) => toFeedItem(origin, p));
}
