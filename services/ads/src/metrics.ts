import { Counter, createRegistry, Gauge, Histogram, type Registry } from '@rt/runtime';

/** Why a decision fell back to popular products (the `cause` of ads_deadline_fallbacks_total). */
export const FALLBACK_CAUSES = ['cold_history', 'slow_postgres', 'overload'] as const;
export type FallbackCause = (typeof FALLBACK_CAUSES)[number];

export interface AdsMetrics {
  decisions: Counter<'format' | 'visitor'>;
  deadlineFallbacks: Counter<'cause'>;
  historyRefreshes: Counter<'result'>;
  decisionErrors: Counter;
  decisionSeconds: Histogram;
  impressions: Counter;
  clicks: Counter<'result'>;
  badSignatures: Counter<'kind'>;
  historyLookups: Counter<'result'>;
  historyCached: Gauge;
  capsLookups: Counter<'result'>;
  capsCached: Gauge;
}

export function createMetrics(registry: Registry = createRegistry('ads')): { registry: Registry; metrics: AdsMetrics } {
  const registers = [registry];
  const metrics: AdsMetrics = {
    decisions: new Counter({
      name: 'ads_decisions_total',
      help: 'Ad decisions answered, by format and whether the visitor was known',
      labelNames: ['format', 'visitor'],
      registers,
    }),
    deadlineFallbacks: new Counter({
      name: 'ads_deadline_fallbacks_total',
      help: 'Decisions answered with popular products from memory because they missed the deadline, by cause (cold_history: the visitor was not in memory; slow_postgres: the cache off or a read slow; overload: the pool full)',
      labelNames: ['cause'],
      registers,
    }),
    historyRefreshes: new Counter({
      name: 'ads_history_refreshes_total',
      help: 'Visitor histories loaded again because the visitor changed, by result (stored, overtaken: changed again meanwhile, failed, skipped: too many waiting)',
      labelNames: ['result'],
      registers,
    }),
    decisionErrors: new Counter({
      name: 'ads_decision_errors_total',
      help: 'Decisions that failed (database error) and were answered with popular products from memory',
      registers,
    }),
    decisionSeconds: new Histogram({
      name: 'ads_decision_duration_seconds',
      help: 'Time to decide which products to show',
      buckets: [0.0005, 0.001, 0.002, 0.003, 0.005, 0.0075, 0.01, 0.02, 0.05, 0.1],
      registers,
    }),
    impressions: new Counter({
      name: 'ads_impressions_total',
      help: 'Ads whose impression beacon was recorded (first time per ad)',
      registers,
    }),
    clicks: new Counter({
      name: 'ads_clicks_total',
      help: 'Clicks, by result (recorded, duplicate)',
      labelNames: ['result'],
      registers,
    }),
    badSignatures: new Counter({
      name: 'ads_bad_signatures_total',
      help: 'Click and impression URLs refused for a bad or expired signature',
      labelNames: ['kind'],
      registers,
    }),
    historyLookups: new Counter({
      name: 'ads_history_lookups_total',
      help: 'Visitor histories needed by decisions, by result (hit: from memory, miss: loaded, off: cache not live)',
      labelNames: ['result'],
      registers,
    }),
    historyCached: new Gauge({
      name: 'ads_history_cached_visitors',
      help: 'Visitors whose history the ads service holds in memory',
      registers,
    }),
    capsLookups: new Counter({
      name: 'ads_caps_lookups_total',
      help: 'Frequency caps needed by decisions, by result (hit: from memory, miss: loaded, off: cache not live)',
      labelNames: ['result'],
      registers,
    }),
    capsCached: new Gauge({
      name: 'ads_caps_cached_visitors',
      help: 'Visitors whose frequency caps the ads service holds in memory',
      registers,
    }),
  };
  // Every cause shows from the start (at 0), so a rate over it is defined before the first fallback.
  for (const cause of FALLBACK_CAUSES) metrics.deadlineFallbacks.inc({ cause }, 0);
  return { registry, metrics };
}
