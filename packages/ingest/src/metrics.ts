import { Counter, Gauge, Histogram, type Registry } from '@rt/runtime';

export interface IngestMetrics {
  batchEvents: Histogram;
  batchSeconds: Histogram;
  rows: Counter<'kind'>;
  jobs: Counter<'outcome'>;
  writeRetries: Counter;
  lagSeconds: Gauge;
  deadLetters: Gauge<'queue'>;
}

export function createIngestMetrics(registry: Registry): IngestMetrics {
  const registers = [registry];
  return {
    batchEvents: new Histogram({
      name: 'rt_ingest_batch_events',
      help: 'Events per database batch',
      buckets: [1, 10, 50, 100, 250, 500, 1000, 2000, 5000, 10000],
      registers,
    }),
    batchSeconds: new Histogram({
      name: 'rt_ingest_batch_seconds',
      help: 'Time to write one batch (one transaction)',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers,
    }),
    rows: new Counter({
      name: 'rt_ingest_events_total',
      help: 'Events by outcome: written (new rows), duplicate (replays), expired (past retention), rejected (rejected_events rows)',
      labelNames: ['kind'],
      registers,
    }),
    jobs: new Counter({
      name: 'rt_ingest_jobs_total',
      help: 'Queue jobs by outcome: completed, retried (failed, will retry), dead_lettered (attempts exhausted)',
      labelNames: ['outcome'],
      registers,
    }),
    writeRetries: new Counter({
      name: 'rt_ingest_write_conflicts_total',
      help: 'Batch transactions run again after a conflict with a concurrent writer',
      registers,
    }),
    lagSeconds: new Gauge({
      name: 'rt_ingest_lag_seconds',
      help: 'Age of the oldest job waiting on the events queue (sampled)',
      registers,
    }),
    deadLetters: new Gauge({
      name: 'rt_ingest_dead_letters',
      help: 'Jobs in the failed set (dead letters), per queue (sampled)',
      labelNames: ['queue'],
      registers,
    }),
  };
}
