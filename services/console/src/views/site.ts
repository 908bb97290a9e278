import { html } from 'hono/html';
import type { SiteReport } from '../reports/site-report';
import { barList, fmt, lineChart, stackedChart } from './charts';
import { type H, layout, type PageUser, pct, periodForm } from './layout';

export function siteTabs(site: string, on: 'report' | 'install'): H {
  const base = `/sites/${encodeURIComponent(site)}`;
  return html`<nav class="tabs"><a class="${on === 'report' ? 'on' : ''}" href="${base}">Results</a>
    <a class="${on === 'install' ? 'on' : ''}" href="${base}/install">Install</a></nav>`;
}

const money = (v: number, currency: string | null) =>
  `${v.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}${currency ? ` ${currency}` : ''}`;

export function sitePage(who: PageUser, r: SiteReport): H {
  const labels = r.days.map((d) => d.day);
  const ads = r.byPartner.reduce(
    (s, p) => ({
      impressions: s.impressions + p.impressions,
      clicks: s.clicks + p.clicks,
      orders: s.orders + p.orders,
      revenue: s.revenue + p.revenue,
    }),
    { impressions: 0, clicks: 0, orders: 0, revenue: 0 },
  );
  const adTable = (
    rows: Array<{
      key: H | string;
      impressions: number;
      clicks: number;
      ctr: number | null;
      orders: number;
      revenue: number;
    }>,
    head: string,
  ) =>
    rows.length
      ? html`<table><tr><th>${head}</th><th class="num">Impressions</th><th class="num">Clicks</th><th class="num">CTR</th>
        <th class="num">Orders</th><th class="num">Revenue</th></tr>${rows.map(
          (
            x,
          ) => html`<tr><td>${x.key}</td><td class="num">${fmt(x.impressions)}</td><td class="num">${fmt(x.clicks)}</td>
          <td class="num">${pct(x.ctr)}</td><td class="num">${fmt(x.orders)}</td><td class="num">${money(x.revenue, null)}</td></tr>`,
        )}</table>`
      : html`<p class="muted">No ads shown in this period.</p>`;
  return layout(
    r.site.name,
    who,
    html`<h1>${r.site.name}</h1><p class="sub">Site <code>${r.site.id}</code> · ${r.period.from} to ${r.period.to} (UTC)</p>
    ${siteTabs(r.site.id, 'report')}${periodForm(`/sites/${encodeURIComponent(r.site.id)}`, r.period)}
    <div class="kpis">
      <div class="kpi"><span>Events</span><b id="kpi-events">${fmt(r.totals.events)}</b></div>
      <div class="kpi"><span>Visitor-days</span><b id="kpi-visitors">${fmt(r.totals.visitors)}</b></div>
      <div class="kpi"><span>Abandoned carts</span><b id="kpi-carts">${fmt(r.abandonedCarts.carts)}</b></div>
      <div class="kpi"><span>Their value</span><b id="kpi-cart-value">${money(r.abandonedCarts.value, r.abandonedCarts.currency)}</b></div>
      <div class="kpi"><span>Ad impressions</span><b id="kpi-impressions">${fmt(ads.impressions)}</b></div>
      <div class="kpi"><span>Attributed revenue</span><b id="kpi-revenue">${money(ads.revenue, null)}</b></div>
    </div>
    <section class="card"><h2>Events and visitors per day</h2>${lineChart('Events and visitors per day', labels, [
      { name: 'events', cls: 'a', values: r.days.map((d) => d.events) },
      { name: 'visitors', cls: 'b', values: r.days.map((d) => d.visitors) },
    ])}</section>
    <div class="grid2">
      <section class="card"><h2>Cookie health</h2>${stackedChart(
        'Events by cookie state',
        labels,
        [
          { name: 'cookie present', cls: 'e', values: r.days.map((d) => d.present) },
          { name: 'new cookie', cls: 'a', values: r.days.map((d) => d.new) },
          { name: 'blocked', cls: 'c', values: r.days.map((d) => d.blocked) },
          { name: 'opted out', cls: 'd', values: r.days.map((d) => d.optout) },
        ],
        400,
      )}</section>
      <section class="card"><h2>Identity match rate per channel</h2>
        <p class="muted">Share of daily visitors recognised by each identity (one visitor may have several).</p>
        ${barList(
          r.channels.map((c) => ({ label: c.channel, value: c.visitors, note: pct(c.rate) })),
          'e',
        )}</section>
    </div>
    <div class="grid2">
      <section class="card"><h2>Funnel</h2><p class="muted">Visitors reaching each step, per day, summed.</p>
        ${barList(
          r.funnel.map((f, i) => ({
            label: f.step,
            value: f.visitors,
            note: i === 0 ? '' : pct(r.funnel[0]!.visitors ? f.visitors / r.funnel[0]!.visitors : null),
          })),
        )}</section>
      <section class="card"><h2>Abandoned carts</h2><p>
        <b>${fmt(r.abandonedCarts.carts)}</b> carts left for over 24 hours without an order, worth
        <b>${money(r.abandonedCarts.value, r.abandonedCarts.currency)}</b>, last touched in this period.</p></section>
    </div>
    <section class="card"><h2>Retargeting by partner</h2>${adTable(
      r.byPartner.map((p) => ({ ...p, key: p.partner })),
      'Partner',
    )}</section>
    <section class="card"><h2>Most retargeted products</h2>${adTable(
      r.byProduct.map((p) => ({ ...p, key: html`${p.name ?? p.product} <span class="muted">${p.product}</span>` })),
      'Product',
    )}</section>`,
  );
}
