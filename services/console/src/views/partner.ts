import { html } from 'hono/html';
import type { PartnerReport } from '../reports/partner-report';
import { fmt, lineChart } from './charts';
import { type H, layout, type PageUser, pct, periodForm } from './layout';

export function partnerPage(who: PageUser, r: PartnerReport, tags: Array<{ size: string; snippet: string }>): H {
  const labels = r.slots[0]?.days.map((d) => d.day) ?? [];
  const sum = (pick: (d: PartnerReport['slots'][number]['days'][number]) => number) =>
    labels.map((_, i) => r.slots.reduce((s, slot) => s + pick(slot.days[i]!), 0));
  return layout(
    r.partner.name,
    who,
    html`<h1>${r.partner.name}</h1><p class="sub">Partner <code>${r.partner.id}</code> · ${r.period.from} to ${r.period.to} (UTC)</p>
    ${periodForm(`/partners/${encodeURIComponent(r.partner.id)}`, r.period)}
    <div class="kpis">
      <div class="kpi"><span>Impressions</span><b id="kpi-impressions">${fmt(r.totals.impressions)}</b></div>
      <div class="kpi"><span>Clicks</span><b id="kpi-clicks">${fmt(r.totals.clicks)}</b></div>
      <div class="kpi"><span>CTR</span><b id="kpi-ctr">${pct(r.totals.ctr)}</b></div>
      <div class="kpi"><span>Slots</span><b>${r.slots.length}</b></div>
    </div>
    ${
      r.slots.length
        ? html`<section class="card"><h2>Impressions and clicks per day</h2>${lineChart(
            'Impressions and clicks per day',
            labels,
            [
              { name: 'impressions', cls: 'a', values: sum((d) => d.impressions) },
              { name: 'clicks', cls: 'b', values: sum((d) => d.clicks) },
            ],
          )}</section>
          <section class="card"><h2>Per slot</h2><table id="slots"><tr><th>Slot</th><th class="num">Impressions</th>
            <th class="num">Clicks</th><th class="num">CTR</th></tr>${r.slots.map(
              (
                s,
              ) => html`<tr><td>${s.slot}</td><td class="num">${fmt(s.impressions)}</td><td class="num">${fmt(s.clicks)}</td>
              <td class="num">${pct(s.ctr)}</td></tr>`,
            )}</table></section>
          <section class="card"><h2>Per slot and day</h2><table><tr><th>Day</th><th>Slot</th><th class="num">Impressions</th>
            <th class="num">Clicks</th><th class="num">CTR</th></tr>${r.slots.flatMap((s) =>
              s.days
                .filter((d) => d.impressions || d.clicks)
                .map(
                  (d) => html`<tr><td>${d.day}</td><td>${s.slot}</td><td class="num">${fmt(d.impressions)}</td>
                  <td class="num">${fmt(d.clicks)}</td><td class="num">${pct(d.ctr)}</td></tr>`,
                ),
            )}</table></section>`
        : html`<section class="card"><p class="muted">No ads shown in this period.</p></section>`
    }
    <section class="card"><h2>Ad tag</h2><p>One tag per slot: name the slot in <code>data-slot</code>, pick its size.</p>
      <div class="tags">${tags.map((t) => html`<div><h3>${t.size}</h3><pre class="adtag">${t.snippet}</pre></div>`)}</div></section>`,
  );
}
