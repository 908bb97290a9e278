import { createHash } from 'node:crypto';

export interface AdSize {
  width: number;
  height: number;
  cols: number;
  rows: number;
  /** Image above the text, or beside it for short banners. */
  layout: 'stack' | 'side';
}

/** The IAB sizes the HTML creative supports; the tile grid decides how many products fit. */
export const SIZES: Record<string, AdSize> = {
  '300x250': { width: 300, height: 250, cols: 2, rows: 2, layout: 'stack' },
  '728x90': { width: 728, height: 90, cols: 4, rows: 1, layout: 'side' },
  '320x50': { width: 320, height: 50, cols: 2, rows: 1, layout: 'side' },
  '160x600': { width: 160, height: 600, cols: 1, rows: 4, layout: 'stack' },
  '300x600': { width: 300, height: 600, cols: 2, rows: 3, layout: 'stack' },
};

export const capacity = (s: AdSize) => s.cols * s.rows;

/** The stylesheet of one size: static, so the CSP can allow it by hash instead of 'unsafe-inline'. */
export function stylesheet(s: AdSize): string {
  const tileH = Math.floor((s.height - 4) / s.rows) - 4;
  const img = s.layout === 'stack' ? Math.max(24, tileH - 40) : Math.max(16, tileH - 6);
  return [
    '*{box-sizing:border-box;margin:0;padding:0}',
    `html,body{width:${s.width}px;height:${s.height}px;overflow:hidden;background:#fff;font:12px/1.25 system-ui,sans-serif;color:#222}`,
    `.g{display:grid;grid-template-columns:repeat(${s.cols},1fr);grid-template-rows:repeat(${s.rows},${tileH}px);gap:4px;padding:2px}`,
    `.t{display:flex;flex-direction:${s.layout === 'stack' ? 'column' : 'row'};align-items:center;gap:4px;overflow:hidden;text-decoration:none;color:inherit;border:1px solid #eee;border-radius:4px;padding:2px}`,
    `.t img{width:${img}px;height:${img}px;object-fit:contain;flex:none}`,
    `.i{display:block;width:${img}px;height:${img}px;background:#f3f3f3;flex:none}`,
    '.x{min-width:0;max-width:100%;text-align:center}',
    '.n{display:block;white-space:nowrap;overflow:hidden;text-overflow:ellipsis}',
    '.p{display:block;font-weight:600;color:#0a6}',
    '.a{position:absolute;right:1px;bottom:1px;font-size:9px;color:#888;background:#fff;text-decoration:none}',
    // A drawn circle rather than U+24D8, which many systems have no font for.
    '.i{display:inline-block;width:9px;height:9px;border:1px solid #888;border-radius:50%;text-align:center;line-height:9px;font:italic 8px Georgia,serif}',
    '.b{position:absolute;width:1px;height:1px;left:0;top:0;opacity:0}',
  ].join('');
}

const hashes = new Map<AdSize, string>();

export function styleHash(s: AdSize): string {
  let h = hashes.get(s);
  if (!h) {
    h = `'sha256-${createHash('sha256').update(stylesheet(s)).digest('base64')}'`;
    hashes.set(s, h);
  }
  return h;
}
