import { escapeXml } from '../common/html';
import type { Product } from './catalog';

const shapes: Record<Product['shape'], (fill: string) => string> = {
  circle: (f) => `<circle cx="200" cy="120" r="70" fill="${f}"/>`,
  square: (f) => `<rect x="135" y="55" width="130" height="130" rx="18" fill="${f}"/>`,
  diamond: (f) => `<path d="M200 45 L275 120 L200 195 L125 120 Z" fill="${f}"/>`,
  triangle: (f) => `<path d="M200 50 L280 190 L120 190 Z" fill="${f}"/>`,
  ring: (f) => `<circle cx="200" cy="120" r="62" fill="none" stroke="${f}" stroke-width="26"/>`,
};

/** Splits a name into lines of at most `width` characters, breaking at spaces. */
function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    if (line && line.length + word.length + 1 > width) {
      lines.push(line);
      line = word;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  if (line) lines.push(line);
  return lines.slice(0, 2);
}

/** A product picture drawn on the fly: a colored shape and the product's name, 400×300. */
export function productSvg(p: Product): string {
  const color = /^#[0-9a-f]{6}$/i.test(p.color) ? p.color : '#888888';
  const lines = wrap(p.name, 30)
    .map((l, i) => `<tspan x="200" dy="${i === 0 ? 0 : 24}">${escapeXml(l)}</tspan>`)
    .join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="400" height="300" viewBox="0 0 400 300" role="img" aria-label="${escapeXml(p.name)}">
<rect width="400" height="300" fill="${color}" fill-opacity="0.12"/>
${shapes[p.shape]?.(color) ?? shapes.circle(color)}
<text x="200" y="238" text-anchor="middle" font-family="system-ui, sans-serif" font-size="20" font-weight="600" fill="#222">${lines}</text>
</svg>`;
}
