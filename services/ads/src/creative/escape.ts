const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for HTML element content and quoted attribute values alike. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}

/** The URL itself when it is absolute http(s), else null (no javascript:, data:, relative...). */
export function httpUrl(url: string | null | undefined): string | null {
  if (!url || url.length > 2048) return null;
  try {
    const u = new URL(url);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.href : null;
  } catch {
    return null;
  }
}

const formats = new Map<string, Intl.NumberFormat | null>();

/** "€299.99" for a known ISO-4217 code, else a plain amount; null price gives an empty string. */
export function formatPrice(price: number | null, currency: string | null): string {
  if (price === null || !Number.isFinite(price)) return '';
  const code = currency && /^[A-Z]{3}$/.test(currency) ? currency : null;
  if (!code) return price.toFixed(2);
  let f = formats.get(code);
  if (f === undefined) {
    try {
      f = new Intl.NumberFormat('en', { style: 'currency', currency: code });
    } catch {
      f = null;
    }
    if (formats.size < 500) formats.set(code, f);
  }
  return f ? f.format(price) : `${price.toFixed(2)} ${code}`;
}
