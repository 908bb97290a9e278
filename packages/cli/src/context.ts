import { type Config, loadConfig } from '@rt/config';
import { createDb, type Db } from '@rt/db';
import { QueueBackend } from '@rt/queue';

/** The embedded Postgres that `npm start` runs when DATABASE_URL is unset. */
export const DEV_DATABASE_URL = 'postgres://postgres:postgres@127.0.0.1:54329/postgres';

/** Bad input from the operator: printed as `error: <message>`, exit code 1 (2 for usage). */
export class CliError extends Error {
  override name = 'CliError';
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

export interface Output {
  write(chunk: string): unknown;
  isTTY?: boolean;
}

export interface CliIO {
  stdout: Output;
  stderr: Output;
  stdin?: NodeJS.ReadableStream;
  env?: Record<string, string | undefined>;
  /** BullMQ Redis prefix / Postgres schema (tests use their own). */
  queueNamespace?: string;
}

/** Lazily opened resources of one CLI run; closed once the command ends. */
export class CliContext {
  private db?: Db;
  private queues?: QueueBackend;
  private cfg?: Config;

  constructor(readonly io: CliIO) {}

  get config(): Config {
    this.cfg ??= loadConfig(this.io.env ?? process.env);
    return this.cfg;
  }

  get databaseUrl(): string {
    return this.config.DATABASE_URL ?? DEV_DATABASE_URL;
  }

  getDb(): Db {
    this.db ??= createDb(this.databaseUrl, { max: 4, applicationName: 'rt-cli' });
    return this.db;
  }

  getQueues(): QueueBackend {
    this.queues ??= new QueueBackend({
      databaseUrl: this.databaseUrl,
      redisUrl: this.config.REDIS_URL,
      namespace: this.io.queueNamespace,
    });
    return this.queues;
  }

  out(line = ''): void {
    this.io.stdout.write(`${line}\n`);
  }

  err(line: string): void {
    this.io.stderr.write(`${line}\n`);
  }

  json(value: unknown): void {
    this.out(JSON.stringify(value, null, 2));
  }

  async close(): Promise<void> {
    await this.queues?.close();
    await this.db?.destroy();
  }
}
