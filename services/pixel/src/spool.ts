import { mkdir, open, readdir, readFile, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { QuarantinedRecord, SpoolRecord } from '@rt/events';
import type { Logger } from '@rt/runtime';

export type { SpoolRecord };

const SEGMENT = /^seg-(\d{12})\.log$/;
const ROTATE_BYTES = 8 * 1024 * 1024;

/**
 * Append-only spool on disk: records are written as JSON lines to numbered segments and fsynced
 * (group commit) before append() resolves. drain() replays closed segments oldest first and deletes
 * each one only after all its records were delivered; a torn last line (crash mid-write) was never
 * acknowledged and is skipped.
 */
export class Spool {
  private fh: Awaited<ReturnType<typeof open>> | undefined;
  private seq = 0;
  private written = 0;
  private lock: Promise<unknown> = Promise.resolve();
  private pending: Array<{ text: string; count: number; done: (err?: unknown) => void }> = [];
  private flushing = false;
  /** Records spooled and not yet delivered (counted from append(), before the fsync). */
  depth = 0;

  constructor(
    readonly dir: string,
    private readonly logger: Logger,
  ) {}

  async open(): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    for (const seg of await this.segments()) {
      this.seq = Math.max(this.seq, seg.seq);
      const count = (await this.readSegment(seg.file)).length;
      if (count === 0) await unlink(seg.file);
      this.depth += count;
    }
    await this.nextSegment();
  }

  append(records: SpoolRecord[]): Promise<void> {
    this.depth += records.length;
    const text = records.map((r) => `${JSON.stringify(r)}\n`).join('');
    return new Promise<void>((resolve, reject) => {
      this.pending.push({ text, count: records.length, done: (err) => (err ? reject(err) : resolve()) });
      if (!this.flushing) void this.flush();
    });
  }

  /** Writes everything pending with one write and one fsync per round. */
  private async flush(): Promise<void> {
    this.flushing = true;
    while (this.pending.length > 0) {
      const group = this.pending.splice(0);
      try {
        await this.exclusive(async () => {
          const text = group.map((g) => g.text).join('');
          await this.fh!.write(text);
          await this.fh!.datasync();
          this.written += Buffer.byteLength(text);
          if (this.written > ROTATE_BYTES) await this.nextSegment();
        });
        for (const g of group) g.done();
      } catch (err) {
        this.depth -= group.reduce((n, g) => n + g.count, 0);
        for (const g of group) g.done(err);
      }
    }
    this.flushing = false;
  }

  /**
   * Delivers every spooled record in order through `send` (called with consecutive chunks) and
   * deletes delivered segments. Stops at the first failure, leaving the rest for the next call.
   * With `isolate`, records go one by one, and one refused while `queueUp(err)` still says the queue
   * answers is set aside in quarantine.log (fsynced, never lost) instead of blocking the rest.
   * `queueUp` gets the failure, so that one which says nothing against the record (a timeout: the
   * queue is only slow) can count as an outage.
   */
  async drain(
    send: (records: SpoolRecord[]) => Promise<void>,
    chunk = 20,
    isolate?: { queueUp: (err: unknown) => Promise<boolean> },
  ): Promise<number> {
    if (this.depth === 0) return 0;
    await this.exclusive(async () => {
      if (this.written > 0) await this.nextSegment();
    });
    let delivered = 0;
    for (const seg of await this.segments()) {
      if (seg.seq === this.seq) break; // the segment being written
      const records = await this.readSegment(seg.file);
      for (let i = 0; i < records.length; i += chunk) {
        if (!isolate) await send(records.slice(i, i + chunk));
        else for (const r of records.slice(i, i + chunk)) await this.sendOrQuarantine(send, r, isolate.queueUp);
      }
      await unlink(seg.file);
      this.depth -= records.length;
      delivered += records.length;
    }
    return delivered;
  }

  /** Records set aside because the queue refused them while it answered. */
  quarantined = 0;

  private async sendOrQuarantine(
    send: (records: SpoolRecord[]) => Promise<void>,
    record: SpoolRecord,
    queueUp: (err: unknown) => Promise<boolean>,
  ): Promise<void> {
    try {
      await send([record]);
    } catch (err) {
      if (!(await queueUp(err).catch(() => false))) throw err; // an outage, not a bad record
      const fh = await open(join(this.dir, 'quarantine.log'), 'a');
      try {
        const line: QuarantinedRecord = { ...record, reason: String(err), at: new Date().toISOString() };
        await fh.write(`${JSON.stringify(line)}\n`);
        await fh.datasync();
      } finally {
        await fh.close();
      }
      this.quarantined += 1;
      this.logger.error({ id: record.id, err: String(err) }, 'queue refused a spooled job; quarantined');
    }
  }

  async close(): Promise<void> {
    await this.exclusive(async () => {
      await this.fh?.close();
      this.fh = undefined;
    });
  }

  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.lock.then(fn);
    this.lock = run.catch(() => {});
    return run;
  }

  private async nextSegment(): Promise<void> {
    await this.fh?.close();
    this.seq += 1;
    this.fh = await open(join(this.dir, `seg-${String(this.seq).padStart(12, '0')}.log`), 'a');
    this.written = 0;
  }

  private async segments(): Promise<Array<{ seq: number; file: string }>> {
    const names = await readdir(this.dir);
    return names
      .map((n) => ({ m: SEGMENT.exec(n), n }))
      .filter((x) => x.m)
      .map((x) => ({ seq: Number(x.m![1]), file: join(this.dir, x.n) }))
      .sort((a, b) => a.seq - b.seq);
  }

  private async readSegment(file: string): Promise<SpoolRecord[]> {
    const text = await readFile(file, 'utf8');
    const out: SpoolRecord[] = [];
    for (const line of text.split('\n')) {
      if (!line) continue;
      try {
        out.push(JSON.parse(line) as SpoolRecord);
      } catch {
        this.logger.warn({ file }, 'skipping a torn spool line (never acknowledged)');
      }
    }
    return out;
  }
}
