import { randomBytes } from 'node:crypto';
import { parseVisitorChanges, VISITOR_CHANGES_CHANNEL } from '@rt/db';
import type { Logger } from '@rt/runtime';
import pg from 'pg';
import type { HistoryCache } from './history-cache';

const MAX_BACKOFF_MS = 5000;
const PROBE = 'probe:';

export interface ListenerOptions {
  /** How often the listener proves, by a round trip through the channel, that it still hears it. */
  heartbeatMs: number;
  /** How long a probe may take to come back before the announcements count as lost. */
  probeTimeoutMs: number;
}

export const DEFAULT_LISTENER: ListenerOptions = { heartbeatMs: 10_000, probeTimeoutMs: 3000 };

/**
 * Keeps a connection LISTENing to the visitor-change announcements and applies them to the
 * history cache. The cache is live only while the announcements are provably heard: after
 * LISTEN, and then every `heartbeatMs`, the listener NOTIFYs a probe on the channel and waits for
 * it to come back. A probe that does not (a connection that died silently, or a DATABASE_URL
 * behind a transaction-mode pooler, where LISTEN cannot work) counts as lost announcements, as
 * does a dropped connection: the cache is cleared and bypassed until listening works again.
 */
export class ChangeListener {
  private client: pg.Client | null = null;
  private stopped = false;
  private retry: NodeJS.Timeout | undefined;
  private heartbeat: NodeJS.Timeout | undefined;
  private failures = 0;
  private probes = new Map<string, () => void>();

  constructor(
    private readonly url: string,
    private readonly cache: HistoryCache,
    private readonly logger: Logger,
    private readonly opts: ListenerOptions = DEFAULT_LISTENER,
  ) {}

  /** Connects (without throwing: a database that is down is retried in the background). */
  async start(): Promise<void> {
    this.stopped = false;
    await this.connect();
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    const client = new pg.Client({ connectionString: this.url, keepAlive: true, application_name: 'rt-ads-listen' });
    this.client = client;
    client.on('notification', (n) => {
      if (n.channel !== VISITOR_CHANGES_CHANNEL) return;
      if (n.payload?.startsWith(PROBE)) this.probes.get(n.payload)?.();
      else this.cache.invalidate(parseVisitorChanges(n.payload));
    });
    client.on('error', (err) => this.lost(client, err));
    client.on('end', () => this.lost(client));
    try {
      await client.connect();
      await client.query(`listen ${VISITOR_CHANGES_CHANNEL}`);
      await this.probe(client);
      if (this.client !== client) return;
      this.failures = 0;
      this.cache.setLive(true);
      this.logger.debug('listening for visitor changes; history cache live');
      this.heartbeat = setInterval(() => {
        this.probe(client).catch((err) => this.lost(client, err));
      }, this.opts.heartbeatMs);
      this.heartbeat.unref();
    } catch (err) {
      this.lost(client, err);
    }
  }

  /** Sends a probe through the channel and resolves when it comes back; rejects after the timeout. */
  private probe(client: pg.Client): Promise<void> {
    const payload = `${PROBE}${randomBytes(8).toString('hex')}`;
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.probes.delete(payload);
        reject(new Error(`no announcement came back within ${this.opts.probeTimeoutMs} ms`));
      }, this.opts.probeTimeoutMs);
      timer.unref();
      this.probes.set(payload, () => {
        clearTimeout(timer);
        this.probes.delete(payload);
        resolve();
      });
      client.query('select pg_notify($1, $2)', [VISITOR_CHANGES_CHANNEL, payload]).catch((err) => {
        clearTimeout(timer);
        this.probes.delete(payload);
        reject(err);
      });
    });
  }

  private lost(client: pg.Client, err?: unknown): void {
    if (this.client !== client) return;
    this.client = null;
    clearInterval(this.heartbeat);
    this.cache.setLive(false);
    client.end().catch(() => {});
    if (this.stopped) return;
    this.failures++;
    const delay = Math.min(MAX_BACKOFF_MS, 100 * 2 ** Math.min(this.failures, 6));
    this.logger.warn({ err, retryInMs: delay }, 'visitor change announcements lost; history cache off until back');
    this.retry = setTimeout(() => void this.connect(), delay);
    this.retry.unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retry);
    clearInterval(this.heartbeat);
    const client = this.client;
    this.client = null;
    this.cache.setLive(false);
    await client?.end().catch(() => {});
  }
}
