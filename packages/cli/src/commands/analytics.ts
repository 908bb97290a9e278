import type { Command } from 'commander';
import { sql } from 'kysely';
import type { CliContext } from '../context';

export const ROLLUPS = [
  'analytics.funnel_daily_rollup',
  'analytics.cookie_health_rollup',
  'analytics.ad_impressions_rollup',
  'analytics.visitors_daily_rollup',
  'analytics.ad_products_rollup',
  'analytics.ad_slots_rollup',
] as const;

export function registerAnalytics(program: Command, ctx: CliContext): void {
  const analytics = program.command('analytics').description('The analytics schema (views for analysts)');
  analytics
    .command('refresh')
    .description(
      'Recompute the daily rollups behind analytics.funnel_daily, cookie_health, ad_performance, visitors_daily, ' +
        'ad_products_daily and ad_slots_daily up to yesterday ' +
        '(UTC); run it daily, e.g. from cron at 00:15 UTC. Views stay correct without it, only slower.',
    )
    .action(async () => {
      const db = ctx.getDb();
      for (const mv of ROLLUPS) {
        const started = Date.now();
        // concurrently: analysts keep reading the old rows while the new ones are computed.
        await sql`refresh materialized view concurrently ${sql.raw(mv)}`.execute(db);
        ctx.out(`refreshed ${mv} in ${((Date.now() - started) / 1000).toFixed(1)}s`);
      }
    });
}
