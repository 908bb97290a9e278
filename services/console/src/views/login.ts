import { html } from 'hono/html';
import { type H, layout } from './layout';

export function loginPage(opts: { error?: string; email?: string; next?: string }): H {
  return layout(
    'Sign in',
    null,
    html`<section class="card narrow"><h1>Sign in</h1><p class="sub">Merchants, partners and admins of retarget.</p>
    ${opts.error ? html`<p class="err">${opts.error}</p>` : ''}
    <form class="stack" method="post" action="/login${opts.next ? `?next=${encodeURIComponent(opts.next)}` : ''}">
      <label>Email <input type="email" name="email" autocomplete="username" required value="${opts.email ?? ''}"></label>
      <label>Password <input type="password" name="password" autocomplete="current-password" required></label>
      <button>Sign in</button></form></section>`,
  );
}
