import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium, type Page } from 'playwright-core';

/** Debian's Chromium, never a downloaded browser; nothing that phones home or runs in the background. */
export const CHROMIUM_PATH = '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
/** A desktop Chrome user agent: HeadlessChrome is a bot to the pixel, and bots are never retargeted. */
export const DESKTOP_UA =
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36';
/**
 * Playwright's user-agent override does not reach navigator.sendBeacon (the tag's send on page
 * hide), whose requests would say HeadlessChrome; the browser-wide switch covers them too.
 */
const LAUNCH_ARGS = [...CHROMIUM_ARGS, `--user-agent=${DESKTOP_UA}`];

/** The profile preference (docs/pixel.md, "Cookies and cookie states") that lets Chromium keep third-party cookies. */
export const ALLOW_THIRD_PARTY_COOKIES = { profile: { cookie_controls_mode: 0 } };

export interface Profile {
  context: BrowserContext;
  /** Console errors and uncaught exceptions of every page and frame opened in this profile. */
  errors: string[];
  newPage(): Promise<Page>;
  close(): Promise<void>;
}

/**
 * A fresh user-data-dir per scenario. Chromium blocks third-party cookies by default; the
 * profile preference `profile.cookie_controls_mode = 0` (docs/pixel.md, "Cookies and cookie states") lets it keep them.
 */
export async function launchProfile(opts: { thirdPartyCookies: boolean }): Promise<Profile> {
  const userDataDir = mkdtempSync(join(tmpdir(), 'rt-profile-'));
  if (opts.thirdPartyCookies) {
    mkdirSync(join(userDataDir, 'Default'), { recursive: true });
    writeFileSync(join(userDataDir, 'Default', 'Preferences'), JSON.stringify(ALLOW_THIRD_PARTY_COOKIES));
  }
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: LAUNCH_ARGS,
    userAgent: DESKTOP_UA,
    viewport: { width: 1280, height: 900 },
  });
  const errors: string[] = [];
  const watch = (page: Page) => {
    // A page's console and pageerror events include those of its frames, cross-site iframes too.
    page.on('console', (msg) => {
      if (msg.type() === 'error') errors.push(`console error on ${msg.location().url || page.url()}: ${msg.text()}`);
    });
    page.on('pageerror', (err) => errors.push(`page error on ${page.url()}: ${err.message}`));
  };
  for (const page of context.pages()) watch(page);
  context.on('page', watch);
  return {
    context,
    errors,
    newPage: () => context.newPage(),
    async close() {
      await context.close();
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}
