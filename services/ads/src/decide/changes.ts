import { randomBytes } from 'node:crypto';
import {
  IMPRESSIONS_CHANNEL,
  type ImpressionAnnouncement,
  parseImpressionAnnouncement,
  parseVisitorChanges,
  VISITOR_CHANGES_CHANNEL,
} from '@rt/db';
import type { Logger } from '@rt/runtime';
import pg from 'pg';
import { errorFields } from '../errors';

const MAX_BACKOFF_MS = 5000;
const PROBE = 'probe:';
const CHANNELS = [VISITOR_CHANGES_CHANNEL, IMPRESSIONS_CHANNEL];

/** A cache kept true by the announcements (the history cache, the caps cache). */
export interface AnnouncementSink {
  /** Announcements are being heard (true) or were lost (false: drop everything held). */
  setLive(live: boolean): void;
  /** These visitors changed (VISITOR_CHANGES_CHANNEL). */
  invalidate(visitorIds: string[]): void;
  /** An impression was recorded (IMPRESSIONS_CHANNEL). */
  recorded?(imp: ImpressionAnnouncement): void;
}

export interface ListenerOptions {
  /** How often the listener proves, by a round trip through the channel, that it still hears it. */
  heartbeatMs: number;
  /** How long a probe may take to come back before the announcements count as lost. */
  probeTimeoutMs: number;
}

export const DEFAULT_LISTENER: ListenerOptions = { heartbeatMs: 10_000, probeTimeoutMs: 3000 };

/**
 * Keeps a connection LISTENing to the visitor-change and impression announcements and applies
 * them to the caches. The caches are live only while the announcements are provably heard: after
 * LISTEN, and then every `heartbeatMs`, the listener NOTIFYs a probe on each channel and waits for
 * them to come back. A probe that does not (a connection that died silently, or a DATABASE_URL
 * behind a transaction-mode pooler, where LISTEN cannot work) counts as lost announcements, as
 * does a dropped connection: the caches are cleared and bypassed until listening works again.
 */
export class ChangeListener {
  private client: pg.Client | null = null;
  private stopped = false;
  private retry: NodeJS.Timeout | undefined;
  private heartbeat: NodeJS.Timeout | undefined;
  private failures = 0;
  private probes = new Map<string, () => void>();
  private sending: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly url: string,
    private readonly sinks: AnnouncementSink[],
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
      if (n.payload?.startsWith(PROBE)) this.probes.get(`${n.channel}:${n.payload}`)?.();
      else if (n.channel === VISITOR_CHANGES_CHANNEL) {
        const ids = parseVisitorChanges(n.payload);
        for (const sink of this.sinks) sink.invalidate(ids);
      } else if (n.channel === IMPRESSIONS_CHANNEL) {
        const imp = parseImpressionAnnouncement(n.payload);
        if (imp) for (const sink of this.sinks) sink.recorded?.(imp);
      }
    });
    client.on('error', (err) => this.lost(client, err));
    client.on('end', () => this.lost(client));
    try {
      await client.connect();
      for (const channel of CHANNELS) await client.query(`listen ${channel}`);
      await this.probeAll(client);
      if (this.client !== client) return;
      this.failures = 0;
      this.setLive(true);
      this.logger.debug('listening for visitor changes and impressions; caches live');
      this.heartbeat = setInterval(() => {
        this.probeAll(client).catch((err) => this.lost(client, err));
      }, this.opts.heartbeatMs);
      this.heartbeat.unref();
    } catch (err) {
      this.lost(client, err);
    }
  }

  private setLive(live: boolean): void {
    for (const sink of this.sinks) sink.setLive(live);
  }

  /**
   * Sends a probe through every channel (one statement) and resolves when all came back;
   * rejects after the timeout.
   */
  private probeAll(client: pg.Client): Promise<unknown> {
    const waits: Promise<void>[] = [];
    const params: string[] = [];
    for (const channel of CHANNELS) {
      const payload = `${PROBE}${randomBytes(8).toString('hex')}`;
      const id = `${channel}:${payload}`;
      params.push(channel, payload);
      waits.push(
        new Promise<void>((resolve, reject) => {
          const timer = setTimeout(() => {
            this.probes.delete(id);
            reject(new Error(`no announcement came back on ${channel} within ${this.opts.probeTimeoutMs} ms`));
          }, this.opts.probeTimeoutMs);
          timer.unref();
          this.probes.set(id, () => {
            clearTimeout(timer);
            this.probes.delete(id);
            resolve();
          });
        }),
      );
    }
    const notify = CHANNELS.map((_, i) => `pg_notify($${2 * i + 1}, $${2 * i + 2})`).join(', ');
    // One statement at a time on the connection (pg deprecates overlapping ones): probes from
    // the heartbeat and from callers of caughtUp take turns.
    const sent = this.sending.catch(() => {}).then(() => client.query(`select ${notify}`, params));
    this.sending = sent;
    return Promise.all([...waits, sent]);
  }

  private lost(client: pg.Client, err?: unknown): void {
    if (this.client !== client) return;
    this.client = null;
    clearInterval(this.heartbeat);
    this.setLive(false);
    client.end().catch(() => {});
    if (this.stopped) return;
    this.failures++;
    const delay = Math.min(MAX_BACKOFF_MS, 100 * 2 ** Math.min(this.failures, 6));
    // One line: the database going away (a restart, Ctrl-C reaching Postgres too) is no bug.
    this.logger.warn(
      { ...(err ? errorFields(err) : {}), retryInMs: delay },
      'announcements lost; history and caps caches off until back',
    );
    this.retry = setTimeout(() => void this.connect(), delay);
    this.retry.unref();
  }

  /**
   * Resolves once every announcement committed before the call has been applied to the caches:
   * a probe sent now comes back after them (Postgres delivers notifications in commit order).
   * Resolves at once when not listening (the caches are off then). For tests and benchmarks.
   */
  async caughtUp(): Promise<void> {
    const client = this.client;
    if (client) await this.probeAll(client);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retry);
    clearInterval(this.heartbeat);
    const client = this.client;
    this.client = null;
    this.setLive(false);
    await client?.end().catch(() => {});
  }
}
