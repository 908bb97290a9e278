import { Counter, Gauge, Histogram, type Registry } from '@rt/runtime';

export type PixelMetrics = ReturnType<typeof createPixelMetrics>;

/**
 * Hot-path counting by one label value: plain numbers here, folded into prom-client when it is
 * scraped (its collect hook), so a GIF hit pays no label hashing or validation. A value counted
 * with n = 0 still appears (at 0), as it does with prom-client's own inc.
 */
class LocalCounts {
  private readonly counts = new Map<string, number>();

  inc(value: string, n = 1): void {
    this.counts.set(value, (this.counts.get(value) ?? 0) + n);
  }

  fold(into: (value: string, n: number) => void): void {
    for (const [value, n] of this.counts) into(value, n);
    this.counts.clear();
  }
}

export function createPixelMetrics(registry: Registry) {
  const gif = new LocalCounts();
  const cookies = new LocalCounts();
  const accepted = new LocalCounts();
  const base = createCounters(registry, {
    requests: (c) => gif.fold((status, n) => c.inc({ route: '/p.gif', status }, n)),
    cookies: (c) => cookies.fold((state, n) => c.inc({ state }, n)),
    accepted: (c) => accepted.fold((source, n) => c.inc({ source }, n)),
  });
  return {
    ...base,
    /** A /p.gif hit answered by the node:http fast path (pixel_requests_total, status 200). */
    gifAnswered: { inc: () => gif.inc('200') },
    cookieState: (state: string) => cookies.inc(state),
    acceptedFrom: (source: string, n = 1) => accepted.inc(source, n),
  };
}

type Fold<L extends string> = (counter: Counter<L>) => void;

function createCounters(
  registry: Registry,
  fold: { requests: Fold<'route' | 'status'>; cookies: Fold<'state'>; accepted: Fold<'source'> },
) {
  return {
    requests: new Counter({
      name: 'pixel_requests_total',
      help: 'HTTP requests by route and status',
      labelNames: ['route', 'status'],
      registers: [registry],
      collect() {
        fold.requests(this);
      },
    }),
    accepted: new Counter({
      name: 'pixel_events_accepted_total',
      help: 'Events accepted, by source',
      labelNames: ['source'],
      registers: [registry],
      collect() {
        fold.accepted(this);
      },
    }),
    rejected: new Counter({
      name: 'pixel_events_rejected_total',
      help: 'Events or requests rejected, by reason',
      labelNames: ['reason'],
      registers: [registry],
    }),
    cookies: new Counter({
      name: 'pixel_cookie_state_total',
      help: 'Requests by visitor cookie state',
      labelNames: ['state'],
      registers: [registry],
      collect() {
        fold.cookies(this);
      },
    }),
    spoolDepth: new Gauge({
      name: 'pixel_spool_depth',
      help: 'Jobs waiting in the on-disk spool',
      registers: [registry],
    }),
    spoolQuarantined: new Gauge({
      name: 'pixel_spool_quarantined',
      help: 'Spooled jobs the queue refused while answering, set aside in <spool>/quarantine.log since start',
      registers: [registry],
    }),
    batches: new Counter({
      name: 'pixel_batches_total',
      help: 'Jobs written, by destination (queue or spool)',
      labelNames: ['destination'],
      registers: [registry],
    }),
    enqueueSeconds: new Histogram({
      name: 'pixel_enqueue_seconds',
      help: 'Time to put one job on the queue',
      buckets: [0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2],
      registers: [registry],
    }),
  };
}

/** A bounded label for a rejection reason: the field path without indices, or the reason itself. */
export function reasonLabel(reason: string): string {
  const colon = reason.indexOf(':');
  if (colon > 0) return reason.slice(0, colon).replace(/\.\d+/g, '').slice(0, 40);
  return reason.replace(/\d+/g, 'N').slice(0, 40);
}
