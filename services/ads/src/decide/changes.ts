import { parseVisitorChanges, VISITOR_CHANGES_CHANNEL } from '@rt/db';
import type { Logger } from '@rt/runtime';
import pg from 'pg';
import type { HistoryCache } from './history-cache';

const MAX_BACKOFF_MS = 5000;

/**
 * Keeps a connection LISTENing to the visitor-change announcements and applies them to the
 * history cache. The cache is live only while the LISTEN holds: when the connection drops,
 * announcements could be missed, so the cache is cleared and bypassed until it listens again.
 */
export class ChangeListener {
  private client: pg.Client | null = null;
  private stopped = false;
  private retry: NodeJS.Timeout | undefined;
  private failures = 0;

  constructor(
    private readonly url: string,
    private readonly cache: HistoryCache,
    private readonly logger: Logger,
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
      if (n.channel === VISITOR_CHANGES_CHANNEL) this.cache.invalidate(parseVisitorChanges(n.payload));
    });
    client.on('error', (err) => this.lost(client, err));
    client.on('end', () => this.lost(client));
    try {
      await client.connect();
      await client.query(`listen ${VISITOR_CHANGES_CHANNEL}`);
      if (this.client !== client) return;
      this.failures = 0;
      this.cache.setLive(true);
      this.logger.debug('listening for visitor changes; history cache live');
    } catch (err) {
      this.lost(client, err);
    }
  }

  private lost(client: pg.Client, err?: unknown): void {
    if (this.client !== client) return;
    this.client = null;
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
    const client = this.client;
    this.client = null;
    this.cache.setLive(false);
    await client?.end().catch(() => {});
  }
}
