import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestEnv, type TestEnv } from '@rt/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../testing/run-cli';

let env: TestEnv;
const dir = mkdtempSync(join(tmpdir(), 'rt-gmc-err-'));
const cli = (...args: string[]) => runCli(args, { databaseUrl: env.databaseUrl });
function file(name: string, text: string): string {
  writeFileSync(join(dir, name), text);
  return join(dir, name);
}
const rss = (items: string) => `<rss xmlns:g="http://base.google.com/ns/1.0"><channel>${items}</channel></rss>`;
const item = (fields: string) => `<item>${fields}</item>`;
const ids = async (prefix: string) =>
  (await env.db.selectFrom('products').select('id').where('id', 'like', `${prefix}%`).orderBy('id').execute()).map(
    (r) => r.id,
  );

beforeAll(async () => {
  env = await createTestEnv();
  await env.db.insertInto('sites').values({ id: 'shop', name: 'Shop', allowed_origins: [] }).execute();
});
afterAll(() => env.close());

const BAD = rss(
  item('<g:id>E-1</g:id><g:price>10 EUR</g:price>') +
    item('<g:title>no id</g:title>') +
    item('<g:id>E-3</g:id><g:price>ten EUR</g:price>') +
    item('<g:id>E-4</g:id><g:price>10 EUR</g:price><g:sale_price>8 USD</g:sale_price>') +
    item('<g:id>E-5</g:id><g:availability>maybe</g:availability>') +
    item('<g:id>E-6</g:id><g:link>javascript:alert(1)</g:link>') +
    item('<g:id>E-1</g:id>') +
    item('<g:id>E-8</g:id><g:price>10</g:price>') +
    item('<g:id>E-9</g:id><g:title>fine</g:title>'),
);

describe('rt catalog import --format gmc, bad feeds', () => {
  it('names each bad item and field as the feed does, and imports nothing', async () => {
    const f = file('bad.xml', BAD);
    const res = await cli('catalog', 'import', f, '--site', 'shop');
    expect(res.code).toBe(1);
    expect(res.stderr.trim().split('\n')).toEqual([
      `${f} item 2: id is missing`,
      `${f} item 3 (id E-3): price "ten EUR" must be a non-negative number`,
      `${f} item 4 (id E-4): sale_price is in USD, the product's other price in EUR`,
      `${f} item 5 (id E-5): availability "maybe" must be one of in_stock, out_of_stock, preorder, backorder`,
      `${f} item 6 (id E-6): link "javascript:alert(1)" must be http(s)`,
      `${f} item 8 (id E-8): price needs a currency`,
      `${f} item 7: id "E-1" already appears on item 1`,
      `error: 7 invalid row(s) in ${f}; nothing imported (--skip-invalid imports the others)`,
    ]);
    expect(await ids('E-')).toEqual([]);
  });

  it('with --skip-invalid imports the valid items and reports what it skipped', async () => {
    const f = file('bad2.xml', BAD);
    const res = await cli('catalog', 'import', f, '--site', 'shop', '--skip-invalid');
    expect(res.code).toBe(0);
    expect(res.stdout).toBe('imported 2 product(s) into shop, skipped 7 invalid row(s)\n');
    expect(res.stderr).toContain(`${f} item 2: id is missing`);
    expect(await ids('E-')).toEqual(['E-1', 'E-9']);
  });

  it('names the line of a malformed tab-separated row', async () => {
    const res = await cli(
      'catalog',
      'import',
      file('ragged.tsv', 'id\ttitle\nT-1\ta\nT-2\tb\textra\n'),
      '--site',
      'shop',
    );
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/ragged\.tsv line 3: .*; nothing imported/);
    expect(await ids('T-')).toEqual([]);
  });

  it.each([
    ['not well-formed XML', rss(item('<g:id>X-1</g:id>')).replace('</channel>', ''), /not well-formed XML \(.*\d+:\d+/],
    ['an undeclared g: prefix', '<rss><channel><item><g:id>X-2</g:id></item></channel></rss>', /not well-formed XML/],
    [
      'XML without items',
      '<rss><channel><title>x</title></channel></rss>',
      /no <item> \(RSS 2.0\) or <entry> \(Atom\)/,
    ],
    ['a TSV without an id column', 'title\tprice\nx\t1 EUR\n', /no "id" column/],
    ['an empty file', '  \n', /the feed is empty/],
  ])('refuses %s, importing nothing', async (_name, text, message) => {
    const res = await cli('catalog', 'import', file('x.xml', text), '--site', 'shop', '--format', 'gmc');
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(message);
    expect(res.stderr).toMatch(/nothing imported/);
    expect(await ids('X-')).toEqual([]);
  });

  it('refuses a feed of an unknown site before reading it', async () => {
    const res = await cli('catalog', 'import', file('ok.xml', rss(item('<g:id>U-1</g:id>'))), '--site', 'nope');
    expect(res.stderr).toMatch(/unknown site "nope"/);
  });
});
