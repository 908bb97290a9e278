import { createPool } from '@rt/db';
import type { Command } from 'commander';
import { type CliContext, CliError } from '../context';
import { generate } from '../generate/generate';
import { progress } from '../progress';

function count(value: string, what: string, min: number, max: number): number {
  const n = Number(value.replace(/_/g, ''));
  if (!Number.isInteger(n) || n < min || n > max)
    throw new CliError(`${what} must be an integer ${min}..${max}, not "${value}"`);
  return n;
}

export function registerGenerate(program: Command, ctx: CliContext): void {
  program
    .command('generate')
    .description(
      'Load synthetic but realistic traffic (visitors, sessions, funnels, carts, orders, blocked cookies, bots, ' +
        'ads) through COPY, for load tests and benchmarks. Use a database of its own: rows are added, never removed.',
    )
    .option('--events <n>', 'number of events (about 10 per visitor)', '1000000')
    .option('--days <n>', 'spread over the last N days', '30')
    .option('--sites <n>', 'merchant sites (gen-shop-N)', '5')
    .option('--partners <n>', 'partner sites (gen-news-N)', '10')
    .option('--products <n>', 'products in total across the sites', '10000')
    .option('--defer-indexes', 'drop secondary indexes while loading and rebuild them after (big loads)')
    .option('--seed <n>', 'random seed (same seed, same shape of data)', '1')
    .action(async (o: Record<string, string> & { deferIndexes?: boolean }) => {
      const opts = {
        events: count(o.events!, '--events', 1, 1_000_000_000),
        days: count(o.days!, '--days', 1, 30),
        sites: count(o.sites!, '--sites', 1, 1000),
        partners: count(o.partners!, '--partners', 1, 1000),
        products: count(o.products!, '--products', 1, 10_000_000),
        seed: count(o.seed!, '--seed', 0, 2 ** 31),
      };
      if (opts.products < opts.sites) throw new CliError('--products must be at least --sites');
      const pool = createPool(ctx.databaseUrl, { max: 12, applicationName: 'rt-generate' });
      const bar = progress(ctx.io.stderr, 'events', opts.events);
      try {
        const summary = await generate(pool, ctx.getDb(), {
          ...opts,
          deferIndexes: o.deferIndexes,
          onProgress: (n) => bar.update(n),
          onIndex: (name) => ctx.err(`rebuilding index ${name}`),
        });
        bar.stop();
        const rate = Math.round(summary.rows.events! / summary.seconds);
        ctx.out(`generated in ${summary.seconds.toFixed(1)}s (${rate} events/s), rows per table:`);
        for (const [table, rows] of Object.entries(summary.rows)) ctx.out(`  ${table}: ${rows}`);
        ctx.out('run `rt analytics refresh` to roll the new days up');
      } finally {
        bar.stop();
        await pool.end();
      }
    });
}
