import { join } from 'node:path';
import { type Config, dataDir } from '@rt/config';
import { postgresAnswers, startEmbeddedPostgres } from '@rt/dev-servers';

/** The embedded PostgreSQL `npm start` runs when DATABASE_URL is unset (the CLI's default too). */
export const EMBEDDED_PORT = 54329;
export const EMBEDDED_URL = `postgres://postgres:postgres@127.0.0.1:${EMBEDDED_PORT}/postgres`;

export interface Database {
  url: string;
  embedded: boolean;
  stop(): Promise<void>;
}

/** DATABASE_URL when set; else the embedded server under <DATA_DIR>/pg (reused if already running). */
export async function resolveDatabase(config: Config, log: (msg: string) => void): Promise<Database> {
  if (config.DATABASE_URL) return { url: config.DATABASE_URL, embedded: false, stop: async () => {} };
  if (await postgresAnswers(EMBEDDED_URL)) {
    log(`using the embedded PostgreSQL already running on port ${EMBEDDED_PORT}`);
    return { url: EMBEDDED_URL, embedded: true, stop: async () => {} };
  }
  log(`starting embedded PostgreSQL on port ${EMBEDDED_PORT} (data in ${join(config.DATA_DIR, 'pg')})`);
  const server = await startEmbeddedPostgres(join(dataDir(config), 'pg'), EMBEDDED_PORT);
  return { url: server.url, embedded: true, stop: server.stop };
}
