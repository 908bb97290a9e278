import { document, type Html, html } from '../common/html';
import { leaderboard, partnerTag } from './partner-tag';

const css = `
*{box-sizing:border-box}
body{margin:0;font:18px/1.6 Georgia,"Times New Roman",serif;color:#222;background:#fbfaf7}
a{color:#8b1e1e;text-decoration:none}a:hover{text-decoration:underline}
header{border-bottom:3px double #222;background:#fff}
header .bar{max-width:1100px;margin:0 auto;padding:14px 20px;display:flex;align-items:baseline;gap:18px}
header .brand{font-size:30px;font-weight:700;letter-spacing:-.5px;color:#111;margin-right:auto}
header form{display:inline;margin:0}
nav,.meta,.ad-label,footer,button,input{font-family:system-ui,-apple-system,"Segoe UI",sans-serif}
.meta{color:#777;font-size:14px}
.top-ad{display:flex;justify-content:center;padding:8px 0 0;border-bottom:1px solid #e6e2d9}
.layout{max-width:1100px;margin:0 auto;padding:24px 20px;display:grid;grid-template-columns:minmax(0,1fr) 300px;gap:40px}
@media (max-width:820px){.layout{grid-template-columns:1fr}}
.ad-slot{max-width:100%;margin-bottom:20px}
.ad{max-width:100%;overflow:hidden;background:#f0ede6}
.ad-label{display:block;font-size:10px;line-height:16px;color:#999;text-transform:uppercase;letter-spacing:.5px}
.ad iframe{border:0;display:block}
article h1{font-size:36px;line-height:1.2;margin:6px 0 10px}
.dek{font-size:21px;color:#555;margin:0 0 12px}
.teaser{border-bottom:1px solid #e6e2d9;padding:0 0 18px;margin:0 0 18px}
.teaser h2{margin:4px 0;font-size:26px;line-height:1.25}
.teaser p{margin:4px 0;color:#444}
aside h3{font:600 14px system-ui,sans-serif;text-transform:uppercase;letter-spacing:.5px;color:#777}
aside ul{padding-left:18px}
button{background:#222;color:#fff;border:0;border-radius:6px;padding:8px 16px;font-size:15px;cursor:pointer}
button.link{background:none;color:#8b1e1e;padding:0}
input{font-size:16px;padding:8px 10px;border:1px solid #ccc;border-radius:6px}
.error{background:#fdecea;color:#8a1c12;border-radius:6px;padding:10px 14px;font-family:system-ui,sans-serif;font-size:15px}
footer{max-width:1100px;margin:0 auto;padding:16px 20px 40px;color:#888;font-size:13px;border-top:1px solid #e6e2d9}
`;

export interface NewsChrome {
  adsUrl: string;
  email: string | undefined;
  emailSha256: string | undefined;
}

/** Every news page: masthead, a leaderboard ad, the content and a sidebar column. */
export function newsPage(chrome: NewsChrome, title: string, content: Html, sidebarContent: Html): Html {
  const account = chrome.email
    ? html`<span class="meta">${chrome.email}</span>
<form method="post" action="/logout"><button class="link" type="submit">Log out</button></form>`
    : html`<a href="/login">Log in</a>`;
  const body = html`<header><div class="bar">
<a class="brand" href="/">The Demo Daily</a>
<nav><a href="/">Front page</a></nav>
<nav>${account}</nav>
</div></header>
<div class="top-ad">${partnerTag(chrome.adsUrl, leaderboard, chrome.emailSha256)}</div>
<div class="layout">
<main>${content}</main>
<aside>${sidebarContent}</aside>
</div>
<footer>A demo publisher of the open retargeting stack: the ads come from the ads service through the partner tag.</footer>`;
  return document({ title: `${title} · The Demo Daily`, css, body });
}
