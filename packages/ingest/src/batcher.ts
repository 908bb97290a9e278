export interface BatcherOptions<T> {
  /** Flush once this many units (events) are waiting. */
  maxSize: number;
  /** Flush at the latest this long after the first item arrived. */
  maxWaitMs: number;
  sizeOf: (item: T) => number;
  /**
   * Writes one batch; every item's promise settles with it, or, when it returns one entry per
   * item, with that entry (an error rejects that item only).
   */
  write: (items: T[]) => Promise<Array<unknown | undefined> | undefined>;
  /** Batches written at the same time (each in its own transaction). */
  maxInFlight?: number;
}

interface Waiting<T> {
  item: T;
  resolve: () => void;
  reject: (err: unknown) => void;
}

/**
 * Collects items (the events of many queue jobs) for a few milliseconds or up to a size, writes
 * them together and settles each item's promise after the write: a job completes only once its
 * rows are committed, and fails (to be retried) with its batch. While a batch is being written
 * the next one fills up, so the writer is never idle under load.
 */
export class Batcher<T> {
  private pending: Waiting<T>[] = [];
  private size = 0;
  private due = false;
  private timer: NodeJS.Timeout | undefined;
  private inFlight = 0;
  private readonly idle: Array<() => void> = [];

  constructor(private readonly opts: BatcherOptions<T>) {}

  add(item: T): Promise<void> {
    return new Promise((resolve, reject) => {
      this.pending.push({ item, resolve, reject });
      this.size += this.opts.sizeOf(item);
      if (!this.timer && !this.due) {
        this.timer = setTimeout(() => {
          this.timer = undefined;
          this.due = true;
          this.drain();
        }, this.opts.maxWaitMs);
      }
      this.drain();
    });
  }

  /** Writes whatever is waiting and resolves once nothing is in flight. */
  async flush(): Promise<void> {
    this.due = true;
    this.drain();
    if (this.pending.length === 0 && this.inFlight === 0) return;
    await new Promise<void>((r) => this.idle.push(r));
  }

  private drain(): void {
    while (this.pending.length > 0 && this.inFlight < (this.opts.maxInFlight ?? 1)) {
      if (!this.due && this.size < this.opts.maxSize) return;
      const batch: Waiting<T>[] = [];
      let taken = 0;
      while (this.pending.length > 0 && (batch.length === 0 || taken < this.opts.maxSize)) {
        const next = this.pending[0] as Waiting<T>;
        const n = this.opts.sizeOf(next.item);
        if (batch.length > 0 && taken + n > this.opts.maxSize) break;
        batch.push(next);
        this.pending.shift();
        taken += n;
      }
      this.size -= taken;
      // Whatever is left has waited already: it goes out as soon as a writer is free.
      this.due = this.pending.length > 0;
      if (this.timer && !this.due) {
        clearTimeout(this.timer);
        this.timer = undefined;
      }
      this.inFlight++;
      this.opts
        .write(batch.map((w) => w.item))
        .then(
          (errors) => {
            batch.forEach((w, i) => {
              const err = errors?.[i];
              if (err === undefined) w.resolve();
              else w.reject(err);
            });
          },
          (err) => {
            for (const w of batch) w.reject(err);
          },
        )
        .finally(() => {
          this.inFlight--;
          this.drain();
          if (this.pending.length === 0 && this.inFlight === 0) for (const r of this.idle.splice(0)) r();
        });
    }
  }
}
