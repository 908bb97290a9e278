import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestEnv, type TestEnv } from '@rt/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../testing/run-cli';

let env: TestEnv;
const dir = mkdtempSync(join(tmpdir(), 'rt-catalog-'));
const cli = (...args: string[]) => runCli(args, { databaseUrl: env.databaseUrl });
function file(name: string, text: string): string {
  writeFileSync(join(dir, name), text);
  return join(dir, name);
}
const products = () => env.db.selectFrom('products').selectAll().where('site_id', '=', 'shop').orderBy('id').execute();

beforeAll(async () => {
  env = await createTestEnv();
  await env.db.insertInto('sites').values({ id: 'shop', name: 'Shop', allowed_origins: [] }).execute();
});
afterAll(() => env.close());

describe('rt catalog import', () => {
  it('imports a CSV feed, then updates it in place', async () => {
    const csv = file(
      'feed.csv',
      'id,name,price,currency,url,image,category\n' +
        'SKU-1,"Switch, OLED",299.99,eur,https://shop.example/p/1,https://shop.example/i/1.jpg,consoles\n' +
        'SKU-2,Cable,,,,,\n',
    );
    const res = await cli('catalog', 'import', csv, '--site', 'shop');
    expect(res).toMatchObject({ code: 0, stderr: '', stdout: 'imported 2 product(s) into shop\n' });
    expect(await products()).toMatchObject([
      { id: 'SKU-1', name: 'Switch, OLED', price: '299.9900', currency: 'EUR', category: 'consoles' },
      { id: 'SKU-2', name: 'Cable', price: null, url: null },
    ]);
    await cli(
      'catalog',
      'import',
      file('feed2.csv', 'id,name,price,currency\nSKU-2,Long cable,9.5,EUR\n'),
      '--site',
      'shop',
    );
    expect((await products())[1]).toMatchObject({ id: 'SKU-2', name: 'Long cable', price: '9.5000' });
  });

  it('imports a JSON feed in chunks of multi-row upserts', async () => {
    const list = Array.from({ length: 2500 }, (_, i) => ({ id: `J-${i}`, name: `P ${i}`, price: i, currency: 'USD' }));
    const res = await cli('catalog', 'import', file('feed.json', JSON.stringify(list)), '--site', 'shop');
    expect(res.code).toBe(0);
    const { n } = await env.db
      .selectFrom('products')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('id', 'like', 'J-%')
      .executeTakeFirstOrThrow();
    expect(n).toBe(2500);
  });

  it('shows a progress bar on a terminal only', async () => {
    const feed = file('tty.csv', 'id,name\nTTY-1,a\nTTY-2,b\n');
    const onTty = await runCli(['catalog', 'import', feed, '--site', 'shop'], {
      databaseUrl: env.databaseUrl,
      tty: true,
    });
    expect(onTty.code).toBe(0);
    expect(onTty.stderr).toContain('importing [');
    expect(onTty.stderr).toContain('100%');
    const piped = await cli('catalog', 'import', feed, '--site', 'shop');
    expect(piped.stderr).toBe('');
  });

  it('reports every bad row with its line and imports nothing', async () => {
    const csv = file(
      'bad.csv',
      'id,name,price,currency,url\nNEW-1,Fine,1,EUR,\n,No id,1,EUR,\nNEW-2,x,-3,EUR,\nNEW-3,x,1,XYZ,\n' +
        'NEW-4,x,1,EUR,javascript:alert(1)\nNEW-1,dup,1,EUR,\n',
    );
    const res = await cli('catalog', 'import', csv, '--site', 'shop');
    expect(res.code).toBe(1);
    const lines = res.stderr.trim().split('\n');
    expect(lines).toEqual([
      `${csv} line 3: id is missing`,
      `${csv} line 4 (id NEW-2): price "-3" must be a non-negative number`,
      `${csv} line 5 (id NEW-3): currency "XYZ" is not an ISO-4217 code`,
      `${csv} line 6 (id NEW-4): url "javascript:alert(1)" must be http(s)`,
      `${csv} line 7: id "NEW-1" already appears on line 2`,
      `error: 5 invalid row(s) in ${csv}; nothing imported (--skip-invalid imports the others)`,
    ]);
    expect((await products()).filter((p) => p.id.startsWith('NEW-'))).toEqual([]);
  });

  it('reports JSON items by position', async () => {
    const res = await cli('catalog', 'import', file('bad.json', '[{"id":"A"},{"name":"no id"}]'), '--site', 'shop');
    expect(res.code).toBe(1);
    expect(res.stderr).toContain('bad.json item 2: id is missing');
  });

  it.each([
    [['catalog', 'import', '/nonexistent/feed.csv', '--site', 'shop'], /cannot read .*ENOENT/],
    [['catalog', 'import', 'x.csv'], /--site/],
    [['catalog', 'import', join(dir, 'feed.csv'), '--site', 'nope'], /unknown site "nope"/],
    [['catalog', 'import', join(dir, 'feed.csv'), '--site', 'shop', '--format', 'xml'], /csv or json/],
  ])('refuses %j', async (args, message) => {
    const res = await cli(...args);
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(message);
  });

  it('reports malformed CSV with its line', async () => {
    const res = await cli('catalog', 'import', file('ragged.csv', 'id,name\nA,a\nB,b,extra\n'), '--site', 'shop');
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/line 3/);
  });

  const nothingImported = async (prefix: string) =>
    expect((await products()).filter((p) => p.id.startsWith(prefix))).toEqual([]);

  it('refuses unknown columns, naming them and the near miss, and imports nothing', async () => {
    const csv = file('typo.csv', 'id,nmae,prise,currency\nTYPO-1,Switch,299,EUR\n');
    const res = await cli('catalog', 'import', csv, '--site', 'shop');
    expect(res.code).toBe(1);
    expect(res.stderr).toBe(
      `error: ${csv}: unknown columns "nmae" (did you mean "name"?), "prise" (did you mean "price"?): ` +
        "the catalog's are id,name,price,currency,url,image,category,sale_price,availability,brand,item_group_id," +
        'google_product_category; nothing imported\n',
    );
    await nothingImported('TYPO-');
    const json = file('typo.json', '[{"id":"TYPO-2","nmae":"x"}]');
    const j = await cli('catalog', 'import', json, '--site', 'shop');
    expect(j.code).toBe(1);
    expect(j.stderr).toMatch(/unknown field "nmae" \(did you mean "name"\?\)/);
    await nothingImported('TYPO-');
  });

  it.each([
    ['semicolons', 'id;name;price;currency\nSEMI-1;x;1;EUR\n'],
    ['tabs', 'id\tname\nSEMI-2\tx\n'],
    ['vertical bars', 'id|name\nSEMI-3|x\n'],
  ])('refuses a feed separated by %s instead of commas', async (name, text) => {
    const res = await cli('catalog', 'import', file(`semi-${name}.csv`, text), '--site', 'shop');
    expect(res.code).toBe(1);
    expect(res.stderr).toContain(`line 1: the columns are separated by ${name}, not commas`);
    expect(res.stderr).not.toContain('id is missing');
    await nothingImported('SEMI-');
  });

  it('refuses a header without an id column', async () => {
    const res = await cli('catalog', 'import', file('noid.csv', 'name,price\nx,1\n'), '--site', 'shop');
    expect(res.code).toBe(1);
    expect(res.stderr).toContain('the header line has no "id" column');
  });

  it('refuses what is not a CSV or JSON text feed', async () => {
    const xlsx = file('feed.xlsx', 'PK\u0003\u0004 spreadsheet');
    const byExt = await cli('catalog', 'import', xlsx, '--site', 'shop');
    expect(byExt.code).toBe(1);
    expect(byExt.stderr).toMatch(
      /cannot tell the format of .*feed\.xlsx from its extension \("\.xlsx"\): name it \.csv or \.json or \.xml .*, or pass --format csv or json or gmc/,
    );
    writeFileSync(join(dir, 'binary.csv'), Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x00, 0x00, 0x69, 0x64]));
    const binary = await cli('catalog', 'import', join(dir, 'binary.csv'), '--site', 'shop');
    expect(binary.code).toBe(1);
    expect(binary.stderr).toMatch(/not a text file/);
    const json = await cli('catalog', 'import', file('really-json.csv', '[{"id":"X"}]'), '--site', 'shop');
    expect(json.code).toBe(1);
    expect(json.stderr).toMatch(/looks like JSON, not CSV/);
    const badJson = await cli('catalog', 'import', file('broken.json', '[{"id":'), '--site', 'shop');
    expect(badJson.code).toBe(1);
    expect(badJson.stderr).toMatch(/not valid JSON/);
  });
});

describe('rt catalog remove', () => {
  it('removes products softly, and importing one again restores it', async () => {
    await cli('catalog', 'import', file('rm.csv', 'id,name\nRM-1,a\nRM-2,b\nRM-3,c\n'), '--site', 'shop');
    const res = await cli('catalog', 'remove', 'RM-1', 'RM-2', '--site', 'shop');
    expect(res).toMatchObject({ code: 0, stdout: 'removed 2 product(s) from shop\n' });
    const rows = (await products()).filter((p) => p.id.startsWith('RM-'));
    expect(rows.map((p) => [p.id, p.removed_at !== null])).toEqual([
      ['RM-1', true],
      ['RM-2', true],
      ['RM-3', false],
    ]);
    expect((await cli('catalog', 'remove', 'RM-1', '--site', 'shop')).stdout).toBe(
      'removed 0 product(s) from shop (1 already removed)\n',
    );
    await cli('catalog', 'import', file('rm2.csv', 'id,name\nRM-1,a again\n'), '--site', 'shop');
    expect((await products()).find((p) => p.id === 'RM-1')).toMatchObject({ name: 'a again', removed_at: null });
  });

  it('refuses unknown products and sites, removing nothing', async () => {
    const res = await cli('catalog', 'remove', 'RM-3', 'NOPE-1', '--site', 'shop');
    expect(res.code).toBe(1);
    expect(res.stderr).toBe('error: unknown product(s) of shop: NOPE-1; nothing removed\n');
    expect((await products()).find((p) => p.id === 'RM-3')?.removed_at).toBeNull();
    const site = await cli('catalog', 'remove', 'RM-3', '--site', 'nope');
    expect(site.stderr).toMatch(/unknown site "nope"/);
    expect((await cli('catalog', 'remove', '--site', 'shop')).stderr).toMatch(/missing required argument/);
  });
});
