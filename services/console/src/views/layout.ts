import type { ConsoleUser } from '@rt/users';
import { html } from 'hono/html';
import type { HtmlEscapedString } from 'hono/utils/html';

export type H = HtmlEscapedString | Promise<HtmlEscapedString>;

export interface PageUser {
  user: ConsoleUser;
  csrf: string;
}

const pct = (v: number | null) => (v === null ? '–' : `${(v * 100).toFixed(1)} %`);

export { pct };

/** The frame of every page: navigation by what the user may see, and the sign-out form. */
export function layout(title: string, who: PageUser | null, body: H): H {
  const u = who?.user;
  return html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · retarget console</title><link rel="stylesheet" href="/console.css"></head>
<body><header class="top"><a class="brand" href="/">retarget console</a>
${
  u
    ? html`<nav>${u.sites.map((s) => html`<a href="/sites/${encodeURIComponent(s)}">${s}</a>`)}${u.partners.map(
        (p) => html`<a href="/partners/${encodeURIComponent(p)}">${p}</a>`,
      )}${u.role === 'admin' ? html`<a href="/admin">admin</a>` : ''}</nav>
      <form class="signout" method="post" action="/logout"><span>${u.email}</span>
      <input type="hidden" name="_csrf" value="${who!.csrf}"><button class="secondary">Sign out</button></form>`
    : ''
}</header><main>${body}</main></body></html>`;
}

export function periodForm(action: string, p: { from: string; to: string }): H {
  return html`<form class="period" method="get" action="${action}">
    <label>From <input type="date" name="from" value="${p.from}"></label>
    <label>To <input type="date" name="to" value="${p.to}"></label><button>Show</button></form>`;
}

export function errorPage(status: number, message: string, who: PageUser | null): H {
  return layout(
    String(status),
    who,
    html`<section class="card narrow"><h1>${status === 404 ? 'Not found' : `Error ${status}`}</h1><p>${message}</p>
    <p><a href="/">Back to the console</a></p></section>`,
  );
}
