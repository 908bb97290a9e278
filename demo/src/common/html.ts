import { html, raw } from 'hono/html';
import type { HtmlEscapedString } from 'hono/utils/html';

/** What `html` templates produce; nest them freely, every interpolated string is escaped. */
export type Html = HtmlEscapedString | Promise<HtmlEscapedString>;

export { html, raw };

/**
 * A value as a JavaScript literal safe inside an inline <script>: HTML escaping does not apply
 * there, so `<`, `>`, `&` and the JS line separators are written as \u escapes instead, which
 * keeps a product called `</script><script>…` from ending the script.
 */
export function scriptJson(value: unknown): HtmlEscapedString {
  const json = JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
  return raw(json) as HtmlEscapedString;
}

/** Escapes text for XML (the generated SVG images). */
export function escapeXml(s: string): string {
  return s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

const euro = new Intl.NumberFormat('en-IE', { style: 'currency', currency: 'EUR' });

export function formatPrice(amount: number, currency = 'EUR'): string {
  return currency === 'EUR' ? euro.format(amount) : `${amount.toFixed(2)} ${currency}`;
}

/** Money sums in cents, so 0.1 + 0.2 stays 0.3. */
export function roundMoney(n: number): number {
  return Math.round(n * 100) / 100;
}

/** The shell both sites share; each passes its own styles and chrome. */
export function document(opts: { title: string; css: string; body: Html; head?: Html }): Html {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${opts.title}</title>
<link rel="icon" href="data:,">
<style>${raw(opts.css)}</style>
${opts.head ?? ''}
</head>
<body>
${opts.body}
</body>
</html>`;
}
