import type { Command } from 'commander';
import { FEED_COLUMNS, FeedError, type FeedFormat, FORMATS, formatFor, rowsOf } from '../catalog/formats';
import { importFeed } from '../catalog/import';
import { type FeedSource, fileSource, textOf, urlSource } from '../catalog/source';
import { type CliContext, CliError } from '../context';
import { parseSlug } from '../origins';
import { progress } from '../progress';

async function knownSite(ctx: CliContext, site: string): Promise<void> {
  parseSlug(site, 'site id');
  const row = await ctx.getDb().selectFrom('sites').select('id').where('id', '=', site).executeTakeFirst();
  if (!row) throw new CliError(`unknown site "${site}" (add it with: rt sites add ${site} --name ...)`);
}

interface ImportFlags {
  site: string;
  format?: string;
  skipInvalid?: boolean;
}

/** Streams a feed into the catalog (see importFeed), reporting progress and what was wrong. */
async function importFrom(ctx: CliContext, open: () => Promise<FeedSource>, format: FeedFormat, opts: ImportFlags) {
  await knownSite(ctx, opts.site);
  let source: FeedSource;
  try {
    source = await open();
  } catch (err) {
    throw new CliError((err as Error).message);
  }
  const bar = progress(ctx.io.stderr, 'importing', source.size ?? 0);
  let result: Awaited<ReturnType<typeof importFeed>>;
  try {
    const text = textOf(source.bytes, source.size ? (n) => bar.update(n) : undefined);
    result = await importFeed(ctx.getDb(), rowsOf(format, text), {
      site: opts.site,
      unit: format.unit,
      labels: format.labels,
      skipInvalid: opts.skipInvalid ?? false,
    });
  } catch (err) {
    if (!(err instanceof FeedError || (err as { code?: string }).code?.startsWith('CSV_'))) throw err;
    // FeedError says `line`, csv-parse's errors `lines`.
    const e = err as { line?: number; lines?: number };
    const line = e.line ?? e.lines;
    throw new CliError(`${source.name}${line ? ` line ${line}` : ''}: ${(err as Error).message}; nothing imported`);
  } finally {
    bar.stop();
  }
  const { imported, problems, problemCount } = result;
  for (const p of problems) ctx.err(`${source.name} ${p.where}: ${p.message}`);
  if (problemCount > problems.length) ctx.err(`... and ${problemCount - problems.length} more`);
  if (problemCount && !opts.skipInvalid) {
    throw new CliError(
      `${problemCount} invalid row(s) in ${source.name}; nothing imported (--skip-invalid imports the others)`,
    );
  }
  if (!imported) throw new CliError(`${source.name} has no${problemCount ? ' valid' : ''} products`);
  ctx.out(
    `imported ${imported} product(s) into ${opts.site}${problemCount ? `, skipped ${problemCount} invalid row(s)` : ''}`,
  );
}

function chosenFormat(file: string, asked: string | undefined): FeedFormat {
  try {
    return formatFor(file, asked);
  } catch (err) {
    throw new CliError((err as Error).message);
  }
}

export function registerCatalog(program: Command, ctx: CliContext): void {
  const catalog = program.command('catalog').description('Manage the product catalog');
  const names = FORMATS.map((f) => f.name).join(' or ');
  const skipInvalid = '--skip-invalid';
  const skipHelp = 'import the valid rows and list the invalid ones (default: one invalid row imports nothing)';
  catalog
    .command('import')
    .description(
      `Import a product feed: CSV or JSON with columns ${FEED_COLUMNS.join(',')}, or a Google Merchant ` +
        'Center feed (gmc: RSS 2.0 or Atom XML with the g: namespace, or tab-separated), read as it ' +
        'streams. Every row is checked; one bad row, an unknown column or a file that is not ' +
        'comma-separated imports nothing. A removed product in the feed is restored.',
    )
    .argument('<file>', `feed file (${FORMATS.flatMap((f) => f.extensions).join(' or ')})`)
    .requiredOption('--site <id>', 'merchant site the products belong to')
    .option('--format <format>', `${names} (default: from the file extension)`)
    .option(skipInvalid, skipHelp)
    .action(async (file: string, opts: ImportFlags) => {
      parseSlug(opts.site, 'site id');
      const format = chosenFormat(file, opts.format);
      await importFrom(ctx, () => fileSource(file), format, opts);
    });
  catalog
    .command('fetch')
    .description('Import a product feed from an http(s) URL, as it downloads (see `rt catalog import`)')
    .requiredOption('--site <id>', 'merchant site the products belong to')
    .requiredOption('--url <url>', 'where the feed is (http or https)')
    .option('--format <format>', `${names}`, 'gmc')
    .option('--timeout <seconds>', 'give up when the server is silent this long', '30')
    .option(skipInvalid, skipHelp)
    .action(async (opts: ImportFlags & { url: string; format: string; timeout: string }) => {
      parseSlug(opts.site, 'site id');
      const seconds = Number(opts.timeout);
      if (!(seconds > 0)) throw new CliError(`--timeout must be a positive number of seconds, not "${opts.timeout}"`);
      const format = chosenFormat(opts.url, opts.format);
      await importFrom(ctx, () => urlSource(opts.url, seconds * 1000), format, opts);
    });
  catalog
    .command('remove')
    .description(
      'Remove products from the catalog: the ads service stops recommending them within seconds; ' +
        'their history stays for analysts (importing one again restores it)',
    )
    .argument('<ids...>', 'product ids, as in the feed')
    .requiredOption('--site <id>', 'merchant site the products belong to')
    .action(async (ids: string[], opts: { site: string }) => {
      await knownSite(ctx, opts.site);
      const db = ctx.getDb();
      const known = await db
        .selectFrom('products')
        .select('id')
        .where('site_id', '=', opts.site)
        .where('id', 'in', ids)
        .execute();
      const unknown = ids.filter((id) => !known.some((k) => k.id === id));
      if (unknown.length)
        throw new CliError(`unknown product(s) of ${opts.site}: ${unknown.join(', ')}; nothing removed`);
      const removed = await db
        .updateTable('products')
        .set({ removed_at: new Date() })
        .where('site_id', '=', opts.site)
        .where('id', 'in', ids)
        .where('removed_at', 'is', null)
        .returning('id')
        .execute();
      ctx.out(
        `removed ${removed.length} product(s) from ${opts.site}${removed.length < ids.length ? ` (${ids.length - removed.length} already removed)` : ''}`,
      );
    });
}
