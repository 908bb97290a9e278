import { document, type Html, html } from '../common/html';
import { merchantTag, type RtCall } from './tag';

const css = `
*{box-sizing:border-box}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif;color:#1d1d1f;background:#f6f6f8}
a{color:#0b5cad;text-decoration:none}a:hover{text-decoration:underline}
header{background:#fff;border-bottom:1px solid #e3e3e8}
header .bar{max-width:1040px;margin:0 auto;padding:14px 20px;display:flex;gap:20px;align-items:center}
header .brand{font-weight:700;font-size:20px;color:#1d1d1f;margin-right:auto}
header form{display:inline;margin:0}
main{max-width:1040px;margin:0 auto;padding:24px 20px 48px}
footer{max-width:1040px;margin:0 auto;padding:0 20px 32px;color:#777;font-size:13px}
h1{font-size:28px;margin:0 0 16px}
.grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(220px,1fr));gap:18px}
.card{background:#fff;border:1px solid #e3e3e8;border-radius:12px;overflow:hidden;display:block;color:inherit}
.card:hover{text-decoration:none;box-shadow:0 4px 16px rgba(0,0,0,.08)}
.card img{width:100%;height:auto;display:block}
.card .info{padding:12px 14px}.card .name{font-weight:600}
.price{font-weight:700;color:#1d1d1f}.muted{color:#777;font-size:14px}
.product{display:grid;grid-template-columns:minmax(0,1fr) minmax(0,1fr);gap:32px;background:#fff;border:1px solid #e3e3e8;border-radius:12px;padding:24px}
.product img{width:100%;height:auto;border-radius:8px}
@media (max-width:700px){.product{grid-template-columns:1fr}}
button,.button{background:#0b5cad;color:#fff;border:0;border-radius:8px;padding:10px 18px;font:inherit;font-weight:600;cursor:pointer;display:inline-block}
button.link{background:none;color:#0b5cad;padding:0;font-weight:400}
button.secondary{background:#e9e9ee;color:#1d1d1f;padding:6px 12px;font-weight:400}
input,select{font:inherit;padding:8px 10px;border:1px solid #c9c9d1;border-radius:8px}
table{width:100%;border-collapse:collapse;background:#fff;border:1px solid #e3e3e8;border-radius:12px}
td,th{padding:10px 12px;border-bottom:1px solid #eee;text-align:left;vertical-align:middle}
td.num,th.num{text-align:right}
td img{width:64px;height:auto;border-radius:6px;display:block}
td:first-child{width:88px}
.total{font-size:20px;text-align:right;margin:16px 0}
.panel{background:#fff;border:1px solid #e3e3e8;border-radius:12px;padding:24px;max-width:520px}
.error{background:#fdecea;color:#8a1c12;border-radius:8px;padding:10px 14px;margin-bottom:14px}
`;

export interface ShopChrome {
  pixelUrl: string;
  site: string;
  cartCount: number;
  email: string | undefined;
}

/** Every shop page: the merchant tag with this page's rt() calls, the header, the content. */
export function shopPage(chrome: ShopChrome, title: string, calls: RtCall[], content: Html): Html {
  const account = chrome.email
    ? html`<span class="muted">${chrome.email}</span>
<form method="post" action="/logout"><button class="link" type="submit">Log out</button></form>`
    : html`<a href="/login">Log in</a>`;
  const body = html`${merchantTag({ pixelUrl: chrome.pixelUrl, site: chrome.site, calls })}
<header><div class="bar">
<a class="brand" href="/">Demo Shop</a>
<a href="/">Products</a>
<a href="/cart">Cart (${chrome.cartCount})</a>
${account}
</div></header>
<main>
${content}
</main>
<footer>A demo merchant of the open retargeting stack: every page reports to the tracking pixel through the merchant tag.</footer>`;
  return document({ title: `${title} · Demo Shop`, css, body });
}
