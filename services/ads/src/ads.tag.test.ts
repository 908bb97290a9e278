import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { tagSource } from './routes/tag';

interface FakeElement {
  tag: string;
  attrs: Record<string, string>;
  dataset: Record<string, string>;
  src: string;
  style: Record<string, string>;
  width?: number;
  height?: number;
  parentNode: { insertBefore(el: FakeElement, next: unknown): void } | null;
  nextSibling: unknown;
  getAttribute(n: string): string | null;
  setAttribute(n: string, v: string): void;
}

function element(tag: string, dataset: Record<string, string> = {}, src = ''): FakeElement {
  return {
    tag,
    attrs: {},
    dataset,
    src,
    style: {},
    parentNode: null,
    nextSibling: null,
    getAttribute(n) {
      return this.attrs[n] ?? null;
    },
    setAttribute(n, v) {
      this.attrs[n] = v;
    },
  };
}

/** Runs the tag against a minimal DOM: the script elements and what gets inserted after them. */
function runTag(scripts: FakeElement[], current: FakeElement | null = scripts[0] ?? null) {
  const inserted: { el: FakeElement; after: FakeElement }[] = [];
  for (const s of scripts) {
    s.parentNode = { insertBefore: (el) => inserted.push({ el, after: s }) };
  }
  const document = {
    currentScript: current,
    createElement: (tag: string) => element(tag),
    querySelectorAll: () => scripts,
  };
  runInNewContext(tagSource('http://ads.test'), { document });
  return inserted;
}

describe('the partner tag (ad.js)', () => {
  it('inserts the creative iframe right after its script, from the data attributes', () => {
    const s = element(
      'script',
      { partner: 'demo-news', slot: 'sidebar', size: '728x90', emailSha256: 'AB'.repeat(32) },
      'http://ads.test/ad.js',
    );
    const [first, ...rest] = runTag([s]);
    expect(rest).toHaveLength(0);
    expect(first!.after).toBe(s);
    expect(first!.el.tag).toBe('iframe');
    expect(first!.el.src).toBe(
      `http://ads.test/v1/ad?partner=demo-news&slot=sidebar&size=728x90&format=html&email_sha256=${'ab'.repeat(32)}`,
    );
    expect([first!.el.width, first!.el.height]).toEqual([728, 90]);
  });

  it('handles several tags on a page once each, defaults odd sizes and drops a bad email hash', () => {
    const a = element('script', { partner: 'p', size: '9999x9999', emailSha256: '<x>' }, 'http://ads.test/ad.js');
    const b = element('script', { partner: 'a&b=c', slot: 'top' }, 'http://ads.test/ad.js?v=2');
    const other = element('script', { partner: 'p' }, 'http://elsewhere.test/other.js');
    const inserted = runTag([a, b, other]);
    expect(inserted.map((i) => i.el.src)).toEqual([
      'http://ads.test/v1/ad?partner=p&slot=default&size=300x250&format=html',
      'http://ads.test/v1/ad?partner=a%26b%3Dc&slot=top&size=300x250&format=html',
    ]);
    expect(runTag([a, b])).toHaveLength(0);
  });

  it('never throws into the host page', () => {
    expect(() => runInNewContext(tagSource('http://ads.test'), { document: undefined })).not.toThrow();
  });
});
