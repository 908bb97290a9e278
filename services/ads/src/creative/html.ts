import type { Ranked } from '../decide/model';
import { escapeHtml, formatPrice, httpUrl } from './escape';
import { type AdSize, styleHash, stylesheet } from './sizes';

export interface CreativeInput {
  size: AdSize;
  products: Ranked[];
  clickUrls: string[];
  impressionUrl: string;
  /** Where the "Ad i" mark leads: the pixel's opt-out page. */
  optoutUrl: string;
}

function tile(p: Ranked, clickUrl: string): string {
  const img = httpUrl(p.image);
  const name = escapeHtml(p.name);
  const price = escapeHtml(formatPrice(p.price, p.currency));
  const picture = img
    ? `<img src="${escapeHtml(img)}" alt="" referrerpolicy="no-referrer">`
    : '<span class="i"></span>';
  return (
    `<a class="t" href="${escapeHtml(clickUrl)}" target="_blank" rel="noopener" title="${name}">` +
    `${picture}<span class="x"><span class="n">${name}</span><span class="p">${price}</span></span></a>`
  );
}

/**
 * A self-contained creative: inline CSS only, no script at all; every merchant-supplied string is
 * escaped and only http(s) URLs are used. The impression beacon is a 1x1 image, which the browser
 * fetches exactly once, when the creative renders.
 */
export function renderCreative(input: CreativeInput): string {
  const tiles = input.products.map((p, i) => tile(p, input.clickUrls[i]!)).join('');
  const beacon = input.products.length
    ? `<img class="b" src="${escapeHtml(input.impressionUrl)}" alt="" width="1" height="1">`
    : '';
  return (
    '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Ad</title>' +
    `<style>${stylesheet(input.size)}</style></head><body><div class="g">${tiles}</div>` +
    `<a class="a" href="${escapeHtml(input.optoutUrl)}" target="_blank" rel="noopener" title="Ad: opt out">Ad <span class="i">i</span></a>` +
    `${beacon}</body></html>`
  );
}

/**
 * CSP host sources cannot name an IPv6 literal: Chromium drops `http://[::1]:3001` and, left with
 * no source, frames the creative nowhere. Such an origin is allowed as its scheme and port on any
 * host; /v1/ad still checks the exact origin of the Referer.
 */
export function ancestorSource(origin: string): string {
  const m = /^(https?):\/\/\[[0-9a-f:.]+\](:\d+)?$/i.exec(origin);
  return m ? `${m[1]}://*${m[2] ?? ''}` : origin;
}

/** No script, only this creative's own stylesheet, images over http(s), framed only by the partner. */
export function creativeCsp(size: AdSize, partnerOrigins: Iterable<string>): string {
  const ancestors = `frame-ancestors ${[...partnerOrigins].map(ancestorSource).join(' ') || "'none'"}`;
  return [
    "default-src 'none'",
    `style-src ${styleHash(size)}`,
    'img-src http: https:',
    "base-uri 'none'",
    "form-action 'none'",
    ancestors,
    'sandbox allow-popups allow-popups-to-escape-sandbox',
  ].join('; ');
}
