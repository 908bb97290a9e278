import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

export { Counter, Gauge, Histogram, Registry };

/** A registry per service (tests build several in one process) with Node's default metrics. */
export function createRegistry(service: string): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: registry });
  return registry;
}

export interface ResponseCounts {
  inc(status: number): void;
}

/**
 * rt_http_responses_total{code="2xx"...}: every HTTP answer of a service by status class, the
 * base of the 5xx-rate alert. Counted in a plain array and folded into prom-client when scraped,
 * so the pixel's hot path pays no label lookup per request.
 */
export function createResponseCounts(registry: Registry): ResponseCounts {
  // One per registry: tests build an app twice over the same deps.
  const existing = responseCounts.get(registry);
  if (existing) return existing;
  const counts = [0, 0, 0, 0, 0, 0];
  new Counter({
    name: 'rt_http_responses_total',
    help: 'HTTP responses by status class (1xx to 5xx)',
    labelNames: ['code'],
    registers: [registry],
    collect() {
      for (let k = 1; k <= 5; k++) {
        // Every class appears (at 0) so rate ratios have both sides from the first scrape.
        this.inc({ code: `${k}xx` }, counts[k] ?? 0);
        counts[k] = 0;
      }
    },
  });
  const made: ResponseCounts = {
    inc(status) {
      const k = Math.trunc(status / 100);
      if (k >= 1 && k <= 5) counts[k] = (counts[k] ?? 0) + 1;
    },
  };
  responseCounts.set(registry, made);
  return made;
}

const responseCounts = new WeakMap<Registry, ResponseCounts>();
const dependencyProbes = new WeakMap<Registry, Record<string, () => Promise<unknown>>>();

/**
 * rt_dependency_up{dependency}: 1 when the probe answered within a second at scrape time, else
 * 0. Behind the "Postgres or Redis unreachable" alerts: it sees them from each service's side.
 */
export function watchDependencies(registry: Registry, probes: Record<string, () => Promise<unknown>>): void {
  // Deps built again over the same registry (tests): the latest probes answer.
  const known = dependencyProbes.has(registry);
  dependencyProbes.set(registry, probes);
  if (known) return;
  const probe = (check: () => Promise<unknown>) =>
    Promise.race([
      check().then(
        () => 1,
        () => 0,
      ),
      new Promise<number>((r) => setTimeout(() => r(0), 1000).unref()),
    ]);
  new Gauge({
    name: 'rt_dependency_up',
    help: 'Whether the service reaches a dependency (postgres, redis) at scrape time: 1 yes, 0 no',
    labelNames: ['dependency'],
    registers: [registry],
    async collect() {
      const current = dependencyProbes.get(registry) ?? {};
      const names = Object.keys(current);
      const results = await Promise.all(names.map((n) => probe(current[n] as () => Promise<unknown>)));
      for (const [i, n] of names.entries()) this.set({ dependency: n }, results[i] ?? 0);
    },
  });
}
