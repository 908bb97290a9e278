// Catalog import of a Google Merchant Center feed: a one-million-item RSS feed (written to a
// temporary file here, never committed) imported by `rt catalog import --format gmc` in its own
// process; figures are items/s and the process's peak RSS, beside the same import of a
// 1,000-item feed, and the large import again with V8's heap capped (--max-old-space-size=48):
// that it completes at all shows the memory does not grow with the feed (left alone, V8 lets its
// heap grow lazily and the peak RSS says little). Run alone with `npm run bench -- catalog`;
// BENCH_CATALOG_ITEMS sets the large feed's size.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { BenchContext, BenchResult } from './context';

const ITEMS = Number(process.env.BENCH_CATALOG_ITEMS ?? 1_000_000);
const SMALL = 1000;
const HEAP_CAP_MIB = 48;
const RT = join(import.meta.dirname, '../packages/cli/bin/rt.js');

export async function writeFeed(path: string, n: number): Promise<void> {
  const out = createWriteStream(path);
  const write = async (s: string) => {
    if (!out.write(s)) await once(out, 'drain');
  };
  await write('<?xml version="1.0"?>\n<rss version="2.0" xmlns:g="http://base.google.com/ns/1.0"><channel>\n');
  for (let i = 0; i < n; i++) {
    await write(
      `<item><g:id>SKU-${i}</g:id><g:title>Product ${i} &amp; more</g:title>` +
        `<g:description>A product described in a sentence or two, as feeds do.</g:description>` +
        `<g:link>https://shop.example/p/${i}</g:link><g:image_link>https://shop.example/i/${i}.jpg</g:image_link>` +
        `<g:price>${(i % 500) + 0.99} EUR</g:price>${i % 5 === 0 ? `<g:sale_price>${i % 500} EUR</g:sale_price>` : ''}` +
        `<g:availability>${i % 7 === 0 ? 'out_of_stock' : 'in_stock'}</g:availability><g:brand>Brand ${i % 90}</g:brand>` +
        `<g:item_group_id>G-${Math.floor(i / 3)}</g:item_group_id><g:google_product_category>Electronics</g:google_product_category>` +
        `<g:shipping><g:country>DE</g:country><g:price>4.99 EUR</g:price></g:shipping></item>\n`,
    );
  }
  await write('</channel></rss>\n');
  out.end();
  await once(out, 'finish');
}

/** Runs the import in a child process; its peak RSS is the kernel's high-water mark (VmHWM). */
async function importOnce(
  url: string,
  file: string,
  node: string[] = [],
): Promise<{ seconds: number; peakMiB: number }> {
  const started = performance.now();
  const child = spawn(
    process.execPath,
    [...node, RT, 'catalog', 'import', file, '--site', 'bench', '--format', 'gmc'],
    {
      env: { ...process.env, DATABASE_URL: url },
      stdio: ['ignore', 'inherit', 'inherit'],
    },
  );
  let peakKiB = 0;
  const poll = setInterval(() => {
    try {
      const hwm = /VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
      peakKiB = Math.max(peakKiB, Number(hwm?.[1] ?? 0));
    } catch {
      // The process just ended.
    }
  }, 50);
  const [code] = await once(child, 'exit');
  clearInterval(poll);
  if (code !== 0) throw new Error(`rt catalog import exited with ${code}`);
  return { seconds: (performance.now() - started) / 1000, peakMiB: peakKiB / 1024 };
}

export async function run(ctx: BenchContext): Promise<BenchResult[]> {
  const dir = mkdtempSync(join(tmpdir(), 'rt-bench-catalog-'));
  try {
    const url = await ctx.freshDatabase('catalog');
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    await client.query(`insert into sites (id, name, allowed_origins) values ('bench', 'Bench', '{}')`);
    await client.end();
    const small = join(dir, 'small.xml');
    const large = join(dir, 'large.xml');
    await writeFeed(small, SMALL);
    await writeFeed(large, ITEMS);
    const s = await importOnce(url, small);
    const l = await importOnce(url, large);
    const capped = await importOnce(url, large, [`--max-old-space-size=${HEAP_CAP_MIB}`]);
    const mib = (readFileSync(large).byteLength / 2 ** 20).toFixed(0);
    return [
      {
        name: `gmc import peak RSS, ${ITEMS.toLocaleString('en-US')} items (${mib} MiB)`,
        value: l.peakMiB,
        unit: 'MiB',
        baseline: { name: `${SMALL.toLocaleString('en-US')} items`, value: s.peakMiB },
        ratio: l.peakMiB / s.peakMiB,
      },
      {
        name: `the same with the V8 heap capped at ${HEAP_CAP_MIB} MiB`,
        value: capped.peakMiB,
        unit: 'MiB',
        baseline: { name: `${SMALL.toLocaleString('en-US')} items`, value: s.peakMiB },
        ratio: capped.peakMiB / s.peakMiB,
        goal: 'completes (memory bounded)',
      },
      { name: `capped heap throughput`, value: ITEMS / capped.seconds, unit: 'items/s' },
      {
        name: `gmc import throughput, ${ITEMS.toLocaleString('en-US')} items`,
        value: ITEMS / l.seconds,
        unit: 'items/s',
      },
      { name: 'gmc import wall time', value: l.seconds, unit: 's' },
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
