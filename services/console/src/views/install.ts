import type { FeedError, FeedProduct } from '@rt/cli';
import { html } from 'hono/html';
import { type H, layout, type PageUser } from './layout';
import { siteTabs } from './site';

export interface FeedPreview {
  csv: string;
  products: FeedProduct[];
  errors: FeedError[];
  imported: boolean;
}

export interface InstallView {
  site: { id: string; name: string };
  snippet: string;
  origins: string[];
  message?: string;
  error?: string;
  preview?: FeedPreview;
}

const SHOWN = 20;

function preview(site: string, who: PageUser, p: FeedPreview): H {
  if (p.imported) return html`<p class="msg" id="feed-result">Imported ${p.products.length} product(s).</p>`;
  return html`<div id="feed-result">
    ${
      p.errors.length
        ? html`<p class="err">${p.errors.length} invalid row(s): nothing can be imported until they are fixed.</p>
          <table><tr><th>Line</th><th>Problem</th></tr>${p.errors
            .slice(0, SHOWN)
            .map((e) => html`<tr><td>${e.line}</td><td>${e.message}</td></tr>`)}</table>
          ${p.errors.length > SHOWN ? html`<p class="muted">… and ${p.errors.length - SHOWN} more.</p>` : ''}`
        : html`<p class="msg">${p.products.length} product(s) ready to import.</p>
          <table><tr><th>Id</th><th>Name</th><th class="num">Price</th><th>Category</th></tr>${p.products
            .slice(0, SHOWN)
            .map(
              (x) =>
                html`<tr><td>${x.id}</td><td>${x.name ?? ''}</td><td class="num">${x.price ?? ''} ${x.currency ?? ''}</td><td>${x.category ?? ''}</td></tr>`,
            )}</table>
          <form method="post" action="/sites/${encodeURIComponent(site)}/feed">
            <input type="hidden" name="_csrf" value="${who.csrf}"><input type="hidden" name="action" value="import">
            <textarea name="csv" hidden>${p.csv}</textarea><button>Import ${p.products.length} product(s)</button></form>`
    }</div>`;
}

export function installPage(who: PageUser, v: InstallView): H {
  const base = `/sites/${encodeURIComponent(v.site.id)}`;
  return layout(
    `Install · ${v.site.name}`,
    who,
    html`<h1>${v.site.name}</h1><p class="sub">Site <code>${v.site.id}</code></p>${siteTabs(v.site.id, 'install')}
    ${v.message ? html`<p class="msg">${v.message}</p>` : ''}${v.error ? html`<p class="err">${v.error}</p>` : ''}
    <section class="card"><h2>1. The tag</h2><p>Put this on every page of the shop, before <code>&lt;/body&gt;</code>;
      track product views, carts and purchases as the merchant tag documentation (docs/pixel.md) describes.</p>
      <pre id="snippet">${v.snippet}</pre></section>
    <section class="card"><h2>2. Allowed origins</h2>
      <p class="muted">The pages allowed to send events for this site, one <code>https://host[:port]</code> per line.</p>
      <form class="stack" method="post" action="${base}/origins"><input type="hidden" name="_csrf" value="${who.csrf}">
        <textarea name="origins" rows="4">${v.origins.join('\n')}</textarea>
        <div><button>Save origins</button></div></form></section>
    <section class="card"><h2>3. Product feed</h2>
      <p class="muted">CSV with a header line: <code>id,name,price,currency,url,image,category</code>. Every row is
      checked first and shown here; nothing is imported until the preview is clean.</p>
      <form class="row" method="post" action="${base}/feed" enctype="multipart/form-data">
        <input type="hidden" name="_csrf" value="${who.csrf}"><input type="hidden" name="action" value="preview">
        <label>Feed file <input type="file" name="file" accept=".csv,text/csv" required></label><button>Preview</button></form>
      ${v.preview ? preview(v.site.id, who, v.preview) : ''}</section>`,
  );
}
