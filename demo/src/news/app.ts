import { mountOps, type Registry } from '@rt/runtime';
import { type Context, Hono } from 'hono';
import { canonicalHost } from '../common/canonical';
import { emailSha256, loginEmail } from '../common/email';
import { handleErrors, NotFoundError } from '../common/errors';
import { readForm } from '../common/form';
import { type Html, html } from '../common/html';
import { SessionStore } from '../common/sessions';
import { type Article, articles as defaultArticles } from './articles';
import { newsPage } from './layout';
import { partnerTag, sidebar } from './partner-tag';
import { articleView, frontPageView, loginView, messageView, moreStoriesView } from './views';

/** A logged-in reader; the hash is computed once, on the server, at login. */
export interface NewsSession {
  email?: string;
  emailSha256?: string;
}

export interface NewsDeps {
  /** The site's canonical origin, e.g. `http://[::1]:3001`: the partner's allowed origin. */
  origin: string;
  /** How browsers reach the ads service (PUBLIC_ADS_URL). */
  adsUrl: string;
  articles?: readonly Article[];
  sessions?: SessionStore<NewsSession>;
  registry?: Registry;
  onServerError?: (err: Error) => void;
}

/** The demo publisher: a front page and articles, each with two ad slots of the partner tag. */
export function createNewsApp(deps: NewsDeps): Hono {
  const list = deps.articles ?? defaultArticles;
  const sessions = deps.sessions ?? new SessionStore<NewsSession>('news_sid', () => ({}));
  const app = new Hono();
  if (deps.registry) mountOps(app, deps.registry, async () => true);
  app.use(canonicalHost(deps.origin));

  const render = (c: Context, title: string, content: Html, current?: string, status: 200 | 400 | 404 = 200) => {
    const reader = sessions.peek(c);
    const chrome = { adsUrl: deps.adsUrl, email: reader?.email, emailSha256: reader?.emailSha256 };
    const side = html`${partnerTag(deps.adsUrl, sidebar, reader?.emailSha256)}${moreStoriesView(list, current)}`;
    return c.html(newsPage(chrome, title, content, side), status);
  };

  app.get('/', (c) => render(c, 'Front page', frontPageView(list)));

  app.get('/a/:slug', (c) => {
    const article = list.find((a) => a.slug === c.req.param('slug'));
    if (!article) throw new NotFoundError('We could not find that story.');
    return render(c, article.title, articleView(article), article.slug);
  });

  app.get('/login', (c) => render(c, 'Log in', loginView()));

  app.post('/login', async (c) => {
    const login = loginEmail(await readForm(c));
    if ('error' in login) return render(c, 'Log in', loginView(login.error, login.value), undefined, 400);
    const { email } = login;
    const reader = sessions.ensure(c);
    reader.email = email;
    reader.emailSha256 = emailSha256(email);
    return c.redirect('/', 303);
  });

  app.post('/logout', (c) => {
    const reader = sessions.peek(c);
    if (reader) {
      reader.email = undefined;
      reader.emailSha256 = undefined;
    }
    return c.redirect('/', 303);
  });

  app.notFound((c) => render(c, 'Not found', messageView('Not found', 'There is no page here.'), undefined, 404));
  handleErrors(
    app,
    (c, title, message, status) => render(c, title, messageView(title, message), undefined, status),
    deps.onServerError,
  );
  return app;
}
