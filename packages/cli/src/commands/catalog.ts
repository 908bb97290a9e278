import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import type { Command } from 'commander';
import { readFeed, validateFeed } from '../catalog/feed';
import { upsertProducts } from '../catalog/upsert';
import { type CliContext, CliError } from '../context';
import { parseSlug } from '../origins';
import { progress } from '../progress';

const MAX_ERRORS_SHOWN = 20;

export function registerCatalog(program: Command, ctx: CliContext): void {
  const catalog = program.command('catalog').description('Manage the product catalog');
  catalog
    .command('import')
    .description(
      'Import a product feed (CSV with a header line, or a JSON array) with columns ' +
        'id,name,price,currency,url,image,category. Every row is checked first; one bad row imports nothing.',
    )
    .argument('<file>', 'feed file (.csv or .json)')
    .requiredOption('--site <id>', 'merchant site the products belong to')
    .option('--format <format>', 'csv or json (default: from the file extension)')
    .action(async (file: string, opts: { site: string; format?: string }) => {
      parseSlug(opts.site, 'site id');
      const format = (opts.format ?? (extname(file).toLowerCase() === '.json' ? 'json' : 'csv')).toLowerCase();
      if (format !== 'csv' && format !== 'json') throw new CliError(`--format must be csv or json, not "${format}"`);
      let text: string;
      try {
        text = await readFile(file, 'utf8');
      } catch (err) {
        throw new CliError(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
      }
      let rows: ReturnType<typeof readFeed>;
      try {
        rows = readFeed(text, format);
      } catch (err) {
        const line = (err as { lines?: number }).lines;
        throw new CliError(`${file}${line ? ` line ${line}` : ''}: ${(err as Error).message}`);
      }
      const { products, errors } = validateFeed(rows);
      if (errors.length) {
        const unit = format === 'csv' ? 'line' : 'item';
        for (const e of errors.slice(0, MAX_ERRORS_SHOWN)) ctx.err(`${file} ${unit} ${e.line}: ${e.message}`);
        if (errors.length > MAX_ERRORS_SHOWN) ctx.err(`... and ${errors.length - MAX_ERRORS_SHOWN} more`);
        throw new CliError(`${errors.length} invalid row(s) in ${file}; nothing imported`);
      }
      if (!products.length) throw new CliError(`${file} has no products`);
      const db = ctx.getDb();
      const site = await db.selectFrom('sites').select('id').where('id', '=', opts.site).executeTakeFirst();
      if (!site) throw new CliError(`unknown site "${opts.site}" (add it with: rt sites add ${opts.site} --name ...)`);

      const bar = progress(ctx.io.stderr, 'importing', products.length);
      try {
        await upsertProducts(db, opts.site, products, new Date(), (done) => bar.update(done));
      } finally {
        bar.stop();
      }
      ctx.out(`imported ${products.length} product(s) into ${opts.site}`);
    });
}
