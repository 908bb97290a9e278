import { describe, expect, it } from 'vitest';
import { TestBrowser } from '../common/test-browser';
import { createNewsApp } from './app';
import { articles } from './articles';

const origin = 'http://[::1]:3001';
const adsUrl = 'http://ads.test:8082';
const browse = () => new TestBrowser(createNewsApp({ origin, adsUrl }), origin);
// SHA-256 of "test@example.com", the normalized form of the address typed below.
const knownHash = '973dfe463ec85785f5f95af5ba3906eedb2d931c24e69824a89ea65dba4e813b';

const partnerTags = (page: string) => page.match(/<script async src="[^"]*\/ad\.js"[^>]*><\/script>/g) ?? [];

describe('demo news site', () => {
  it('shows the front page with two partner tags of different sizes, exactly as docs/ads.md shows', async () => {
    const res = await browse().get('/');
    expect(res.status).toBe(200);
    const page = await res.text();
    for (const a of articles) expect(page).toContain(`href="/a/${a.slug}"`);
    expect(partnerTags(page)).toEqual([
      `<script async src="${adsUrl}/ad.js" data-partner="demo-news" data-slot="leaderboard" data-size="728x90"></script>`,
      `<script async src="${adsUrl}/ad.js" data-partner="demo-news" data-slot="sidebar" data-size="300x250"></script>`,
    ]);
    expect(page).not.toContain('data-email-sha256');
  });

  it('shows every article with its title in the h1 and both ad slots', async () => {
    const b = browse();
    for (const a of articles) {
      const page = await (await b.get(`/a/${a.slug}`)).text();
      expect(page).toContain(`<h1>${a.title}</h1>`);
      expect(page).toContain(a.paragraphs[0]!);
      const sizes = partnerTags(page).map((t) => t.match(/data-size="(\w+)"/)![1]);
      expect(sizes).toEqual(['728x90', '300x250']);
    }
    expect((await b.get('/a/no-such-story')).status).toBe(404);
  });

  it('passes the SHA-256 of the normalized email of a logged-in reader to both tags, and stops at logout', async () => {
    const b = browse();
    const login = await b.post('/login', { email: '  Test@Example.COM ' });
    expect(login.status).toBe(303);
    expect(login.headers.get('set-cookie')).toMatch(/^news_sid=[\w-]+; Max-Age=\d+; Path=\/; HttpOnly; SameSite=Lax$/);
    for (const path of ['/', `/a/${articles[0]!.slug}`]) {
      const page = await (await b.get(path)).text();
      const tags = partnerTags(page);
      expect(tags).toHaveLength(2);
      for (const tag of tags) expect(tag).toContain(` data-email-sha256="${knownHash}"></script>`);
      expect(page).toContain('Test@Example.COM');
      expect(page).not.toContain('test@example.com');
    }
    const after = await (await b.follow(await b.post('/logout', {}))).text();
    expect(partnerTags(after)).toHaveLength(2);
    expect(after).not.toContain('data-email-sha256');
    // Another browser never sees the reader's hash.
    expect(await (await browse().get('/')).text()).not.toContain(knownHash);
  });

  it('rejects a login without a valid email and escapes what the reader typed', async () => {
    const b = browse();
    const res = await b.post('/login', { email: '<script>alert(1)</script>' });
    expect(res.status).toBe(400);
    const page = await res.text();
    expect(page).not.toContain('<script>alert(1)');
    expect(page).toContain('value="&lt;script&gt;alert(1)&lt;/script&gt;"');
    expect(b.cookies.size).toBe(0);

    const email = '"><script>alert(1)</script>@evil.test';
    const home = await (await b.follow(await b.post('/login', { email }))).text();
    expect(home).not.toContain('<script>alert(1)');
    expect(home).toContain('&quot;&gt;&lt;script&gt;');
  });

  it('redirects another host name to the canonical [::1] origin', async () => {
    const res = await createNewsApp({ origin, adsUrl }).request('http://localhost:3001/a/x');
    expect(res.status).toBe(301);
    expect(res.headers.get('location')).toBe('http://[::1]:3001/a/x');
  });
});
