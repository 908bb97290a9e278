import type { ConsoleUser } from '@rt/users';
import { html } from 'hono/html';
import { type H, layout, type PageUser } from './layout';

export interface AdminView {
  sites: Array<{ id: string; name: string; allowed_origins: string[] }>;
  partners: Array<{ id: string; name: string; allowed_origins: string[] }>;
  users: ConsoleUser[];
  message?: string;
  error?: string;
}

export function adminPage(who: PageUser, v: AdminView): H {
  const owners = (rows: AdminView['sites'], path: string) =>
    html`<table><tr><th>Id</th><th>Name</th><th>Allowed origins</th></tr>${rows.map(
      (r) => html`<tr><td><a href="/${path}/${encodeURIComponent(r.id)}">${r.id}</a></td><td>${r.name}</td>
        <td>${r.allowed_origins.join(' ')}</td></tr>`,
    )}</table>`;
  return layout(
    'Admin',
    who,
    html`<h1>Admin</h1><p class="sub">Sites, partners and console users.</p>
    ${v.message ? html`<p class="msg">${v.message}</p>` : ''}${v.error ? html`<p class="err">${v.error}</p>` : ''}
    <div class="grid2"><section class="card"><h2>Sites</h2>${owners(v.sites, 'sites')}</section>
    <section class="card"><h2>Partners</h2>${owners(v.partners, 'partners')}</section></div>
    <section class="card"><h2>Users</h2><table id="users"><tr><th>Email</th><th>Role</th><th>Sees</th><th></th></tr>${v.users.map(
      (
        u,
      ) => html`<tr><td>${u.email}</td><td>${u.role}</td><td>${[...u.sites, ...u.partners].join(' ') || 'everything'}</td>
        <td>${
          u.email === who.user.email
            ? ''
            : html`<form method="post" action="/admin/users/remove"><input type="hidden" name="_csrf" value="${who.csrf}">
          <input type="hidden" name="email" value="${u.email}"><button class="danger">Remove</button></form>`
        }</td></tr>`,
    )}</table>
    <h2>Add a user</h2><form class="row" method="post" action="/admin/users"><input type="hidden" name="_csrf" value="${who.csrf}">
      <label>Email <input type="email" name="email" required></label>
      <label>Password <input type="password" name="password" minlength="10" required autocomplete="new-password"></label>
      <label>Role <select name="role"><option value="merchant">merchant</option><option value="partner">partner</option>
        <option value="admin">admin</option></select></label>
      <label>Site or partner id <input name="owner" placeholder="demo-shop"></label><button>Add user</button></form></section>`,
  );
}
