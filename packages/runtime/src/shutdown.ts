import type { Logger } from './logger';

type Closer = { name: string; close: () => Promise<unknown> | unknown };

/**
 * The one shutdown path: closers run in the order they were added (HTTP servers first, then
 * workers, queues, Redis, db), each awaited, all within a deadline.
 */
export class Shutdown {
  private readonly closers: Closer[] = [];
  private running: Promise<void> | undefined;

  constructor(
    private readonly logger: Logger,
    private readonly deadlineMs = 15_000,
  ) {}

  add(name: string, close: Closer['close']): this {
    this.closers.push({ name, close });
    return this;
  }

  run(reason: string): Promise<void> {
    this.running ??= (async () => {
      this.logger.info({ reason }, 'shutting down');
      const timer = setTimeout(() => {
        this.logger.error('shutdown deadline passed, exiting');
        process.exit(1);
      }, this.deadlineMs);
      timer.unref();
      // Dependencies may be going away at the same moment (Ctrl-C reaches the whole process
      // group, database included); a late connection error must not turn a clean stop into a crash.
      process.on('uncaughtException', (err) => this.logger.warn({ err }, 'error during shutdown ignored'));
      for (const { name, close } of this.closers) {
        try {
          await close();
        } catch (err) {
          this.logger.warn({ err, name }, 'error while closing');
        }
      }
      clearTimeout(timer);
      this.logger.info('stopped');
    })();
    return this.running;
  }

  /**
   * SIGTERM and SIGINT run the shutdown once, then exit. The same stop often arrives twice at
   * once (Ctrl-C reaches the whole process group, and npm forwards it to its child as well), so a
   * signal within `graceMs` of the first is ignored; one later than that (a second Ctrl-C of an
   * impatient operator) exits at once.
   */
  onSignals(graceMs = 2000): this {
    let first = 0;
    for (const signal of ['SIGTERM', 'SIGINT'] as const) {
      process.on(signal, () => {
        if (!first) {
          first = Date.now();
          void this.run(signal).then(() => process.exit(0));
        } else if (Date.now() - first > graceMs) {
          this.logger.warn({ signal }, 'signal received again while shutting down, exiting now');
          process.exit(1);
        }
      });
    }
    return this;
  }
}
