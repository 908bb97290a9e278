import { join } from 'node:path';
import { type Config, dataDir } from '@rt/config';
import { postgresAnswers, startEmbeddedPostgres } from '@rt/dev-servers';

/** The embedded PostgreSQL `npm start` runs when DATABASE_URL is unset (the CLI's default too). */
export const EMBEDDED_PORT = 54329;

export interface Database {
  url: string;
  embedded: boolean;
  stop(): Promise<void>;
}

/**
 * DATABASE_URL when set; else the embedded server under <DATA_DIR>/pg (reused if already running).
 * Run as root, the server runs as the `postgres` user: see packages/dev-servers/src/run-as-postgres.ts.
 */
export async function resolveDatabase(
  config: Config,
  log: (msg: string) => void,
  port = EMBEDDED_PORT,
): Promise<Database> {
  if (config.DATABASE_URL) return { url: config.DATABASE_URL, embedded: false, stop: async () => {} };
  const url = `postgres://postgres:postgres@127.0.0.1:${port}/postgres`;
  if (await postgresAnswers(url)) {
    log(`using the embedded PostgreSQL already running on port ${port}`);
    return { url, embedded: true, stop: async () => {} };
  }
  log(`starting embedded PostgreSQL on port ${port} (data in ${join(config.DATA_DIR, 'pg')})`);
  const server = await startEmbeddedPostgres(join(dataDir(config), 'pg'), port, log);
  return { url: server.url, embedded: true, stop: server.stop };
}
