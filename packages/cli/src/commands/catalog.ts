import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { checkText, FEED_COLUMNS, FORMATS, formatFor, type RawRow } from '../catalog/formats';
import { upsertProducts } from '../catalog/upsert';
import { validateFeed } from '../catalog/validate';
import { type CliContext, CliError } from '../context';
import { parseSlug } from '../origins';
import { progress } from '../progress';

const MAX_ERRORS_SHOWN = 20;

async function knownSite(ctx: CliContext, site: string): Promise<void> {
  parseSlug(site, 'site id');
  const row = await ctx.getDb().selectFrom('sites').select('id').where('id', '=', site).executeTakeFirst();
  if (!row) throw new CliError(`unknown site "${site}" (add it with: rt sites add ${site} --name ...)`);
}

export function registerCatalog(program: Command, ctx: CliContext): void {
  const catalog = program.command('catalog').description('Manage the product catalog');
  const names = FORMATS.map((f) => f.name).join(' or ');
  catalog
    .command('import')
    .description(
      `Import a product feed (${FORMATS.map((f) => f.name.toUpperCase()).join(', ')}) with columns ` +
        `${FEED_COLUMNS.join(',')}. Every row is checked first; one bad row, an unknown column or a file ` +
        'that is not comma-separated imports nothing. A removed product in the feed is restored.',
    )
    .argument('<file>', `feed file (${FORMATS.flatMap((f) => f.extensions).join(' or ')})`)
    .requiredOption('--site <id>', 'merchant site the products belong to')
    .option('--format <format>', `${names} (default: from the file extension)`)
    .action(async (file: string, opts: { site: string; format?: string }) => {
      parseSlug(opts.site, 'site id');
      let format: ReturnType<typeof formatFor>;
      let rows: RawRow[];
      try {
        format = formatFor(file, opts.format);
      } catch (err) {
        throw new CliError((err as Error).message);
      }
      let buf: Buffer;
      try {
        buf = await readFile(file);
      } catch (err) {
        throw new CliError(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
      }
      try {
        rows = format.read(checkText(buf));
      } catch (err) {
        // FeedError says `line`, csv-parse's errors `lines`.
        const e = err as { line?: number; lines?: number };
        const line = e.line ?? e.lines;
        throw new CliError(`${file}${line ? ` line ${line}` : ''}: ${(err as Error).message}; nothing imported`);
      }
      const { products, errors } = validateFeed(rows);
      if (errors.length) {
        for (const e of errors.slice(0, MAX_ERRORS_SHOWN)) ctx.err(`${file} ${format.unit} ${e.line}: ${e.message}`);
        if (errors.length > MAX_ERRORS_SHOWN) ctx.err(`... and ${errors.length - MAX_ERRORS_SHOWN} more`);
        throw new CliError(`${errors.length} invalid row(s) in ${file}; nothing imported`);
      }
      if (!products.length) throw new CliError(`${file} has no products`);
      await knownSite(ctx, opts.site);
      const db = ctx.getDb();
      const bar = progress(ctx.io.stderr, 'importing', products.length);
      try {
        await upsertProducts(db, opts.site, products, new Date(), (done) => bar.update(done));
      } finally {
        bar.stop();
      }
      ctx.out(`imported ${products.length} product(s) into ${opts.site}`);
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
