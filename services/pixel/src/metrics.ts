import { Counter, Gauge, Histogram, type Registry } from '@rt/runtime';

export type PixelMetrics = ReturnType<typeof createPixelMetrics>;

/** inc() by one label value through cached children: label hashing shows up on the GIF hot path. */
function byLabel<L extends string>(counter: Counter<L>, label: L) {
  const children = new Map<string, ReturnType<Counter<L>['labels']>>();
  return (value: string, n = 1) => {
    let child = children.get(value);
    if (!child) {
      child = counter.labels({ [label]: value } as Record<L, string>);
      children.set(value, child);
    }
    child.inc(n);
  };
}

export function createPixelMetrics(registry: Registry) {
  const base = createCounters(registry);
  return {
    ...base,
    gifAnswered: base.requests.labels({ route: '/p.gif', status: '200' }),
    cookieState: byLabel(base.cookies, 'state'),
    acceptedFrom: byLabel(base.accepted, 'source'),
  };
}

function createCounters(registry: Registry) {
  return {
    requests: new Counter({
      name: 'pixel_requests_total',
      help: 'HTTP requests by route and status',
      labelNames: ['route', 'status'],
      registers: [registry],
    }),
    accepted: new Counter({
      name: 'pixel_events_accepted_total',
      help: 'Events accepted, by source',
      labelNames: ['source'],
      registers: [registry],
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
