import { type Html, html } from '../common/html';
import type { Article } from './articles';

const byline = (a: Article) => html`<p class="meta">${a.section} · ${a.author} · ${a.date}</p>`;

export function frontPageView(list: readonly Article[]): Html {
  const teasers = list.map(
    (a) => html`<div class="teaser">
${byline(a)}
<h2><a href="/a/${a.slug}">${a.title}</a></h2>
<p>${a.dek}</p>
</div>`,
  );
  return html`<h1 class="meta">Today’s stories</h1>${teasers}`;
}

export function articleView(a: Article): Html {
  return html`<article>
${byline(a)}
<h1>${a.title}</h1>
<p class="dek">${a.dek}</p>
${a.paragraphs.map((p) => html`<p>${p}</p>`)}
</article>`;
}

export function moreStoriesView(list: readonly Article[], current?: string): Html {
  const links = list.filter((a) => a.slug !== current).map((a) => html`<li><a href="/a/${a.slug}">${a.title}</a></li>`);
  return html`<h3>More stories</h3><ul>${links}</ul>`;
}

export function loginView(error?: string, email = ''): Html {
  return html`<h1>Log in</h1>
${error ? html`<p class="error">${error}</p>` : ''}
<form method="post" action="/login">
<p><input type="email" name="email" value="${email}" placeholder="you@example.com" required autocomplete="email" size="30">
<button type="submit">Log in</button></p>
</form>
<p class="meta">A demo: no password. We pass the SHA-256 of your normalized email to our ad partner, never the email itself.
Log in with the same email at the shop to see your cart in our ads even where third-party cookies are blocked.</p>`;
}

export function messageView(title: string, message: string): Html {
  return html`<h1>${title}</h1><p>${message}</p><p><a href="/">Back to the front page</a></p>`;
}
