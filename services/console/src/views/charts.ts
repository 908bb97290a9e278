import { html } from 'hono/html';
import type { HtmlEscapedString } from 'hono/utils/html';

/**
 * Charts drawn here as inline SVG: the pages stay self-contained (no script, a strict CSP) and
 * cost nothing in the browser. Colours come from classes in console.css. Every label passes
 * through html``, so a merchant's product name is escaped in a chart as in a table.
 */
type H = HtmlEscapedString | Promise<HtmlEscapedString>;

export interface Series {
  name: string;
  cls: string;
  values: number[];
}

/** Wide charts fill a row; narrow ones a half-row card, with the same text size on screen. */
export type ChartWidth = 720 | 400;
const H_ = 220;
const PAD = { left: 48, right: 12, top: 12, bottom: 28 };

/** 1, 2, 5 × 10^k: a tick step giving about four lines. */
function niceMax(max: number): { top: number; step: number } {
  if (max <= 0) return { top: 4, step: 1 };
  const raw = max / 4;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw)!;
  return { top: Math.ceil(max / step) * step, step };
}

export const fmt = (v: number) => v.toLocaleString('en-US', { maximumFractionDigits: 2 });

function frame(
  W: ChartWidth,
  labels: string[],
  top: number,
  step: number,
  body: unknown,
  legend: Series[],
  title: string,
): H {
  const plotW = W - PAD.left - PAD.right;
  const plotH = H_ - PAD.top - PAD.bottom;
  const ticks = [];
  for (let v = 0; v <= top; v += step) {
    const y = PAD.top + plotH - (v / top) * plotH;
    ticks.push(html`<line class="grid" x1="${PAD.left}" x2="${W - PAD.right}" y1="${y}" y2="${y}"/>
      <text class="tick" x="${PAD.left - 6}" y="${y + 4}" text-anchor="end">${fmt(v)}</text>`);
  }
  const every = Math.max(1, Math.ceil(labels.length / (W / 90)));
  const xs = labels.map((l, i) =>
    i % every === 0
      ? html`<text class="tick" x="${PAD.left + ((i + 0.5) * plotW) / labels.length}" y="${H_ - 8}" text-anchor="middle">${l.slice(5)}</text>`
      : '',
  );
  return html`<figure class="chart"><svg viewBox="0 0 ${W} ${H_}" role="img" aria-label="${title}">${ticks}${body}${xs}</svg>
    <figcaption>${legend.map((s) => html`<span class="key ${s.cls}">${s.name}</span>`)}</figcaption></figure>`;
}

/** One line per series over the days (events and visitors, impressions and clicks). */
export function lineChart(title: string, labels: string[], series: Series[], W: ChartWidth = 720): H {
  const { top, step } = niceMax(Math.max(0, ...series.flatMap((s) => s.values)));
  const plotW = W - PAD.left - PAD.right;
  const plotH = H_ - PAD.top - PAD.bottom;
  const x = (i: number) => PAD.left + ((i + 0.5) * plotW) / labels.length;
  const y = (v: number) => PAD.top + plotH - (v / top) * plotH;
  const lines = series.map(
    (s) =>
      html`<polyline class="line ${s.cls}" points="${s.values.map((v, i) => `${x(i).toFixed(1)},${y(v).toFixed(1)}`).join(' ')}"/>
      ${labels.length <= 45 ? s.values.map((v, i) => html`<circle class="dot ${s.cls}" cx="${x(i).toFixed(1)}" cy="${y(v).toFixed(1)}" r="2.5"><title>${labels[i]}: ${fmt(v)} ${s.name}</title></circle>`) : ''}`,
  );
  return frame(W, labels, top, step, lines, series, title);
}

/** Stacked columns per day (cookie states). */
export function stackedChart(title: string, labels: string[], series: Series[], W: ChartWidth = 720): H {
  const totals = labels.map((_, i) => series.reduce((s, x) => s + (x.values[i] ?? 0), 0));
  const { top, step } = niceMax(Math.max(0, ...totals));
  const plotW = W - PAD.left - PAD.right;
  const plotH = H_ - PAD.top - PAD.bottom;
  const bw = Math.max(1, (plotW / labels.length) * 0.7);
  const cols = labels.map((label, i) => {
    let base = PAD.top + plotH;
    return series.map((s) => {
      const h = ((s.values[i] ?? 0) / top) * plotH;
      base -= h;
      return h > 0
        ? html`<rect class="bar ${s.cls}" x="${(PAD.left + ((i + 0.15) * plotW) / labels.length).toFixed(1)}" y="${base.toFixed(1)}" width="${bw.toFixed(1)}" height="${h.toFixed(1)}"><title>${label}: ${fmt(s.values[i] ?? 0)} ${s.name}</title></rect>`
        : '';
    });
  });
  return frame(W, labels, top, step, cols, series, title);
}

/** Horizontal bars with their value and a note (funnel steps, channels). */
export function barList(rows: Array<{ label: string; value: number; note?: string }>, cls = 'a'): H {
  const max = Math.max(1, ...rows.map((r) => r.value));
  return html`<table class="bars">${rows.map(
    (
      r,
    ) => html`<tr><th>${r.label}</th><td class="meter"><svg viewBox="0 0 100 10" preserveAspectRatio="none" aria-hidden="true">
      <rect class="bar ${cls}" x="0" y="0" height="10" width="${((r.value / max) * 100).toFixed(2)}"/></svg></td>
      <td class="num">${fmt(r.value)}</td><td class="note">${r.note ?? ''}</td></tr>`,
  )}</table>`;
}
