// `npm start`: the whole platform in one process for development. Production runs each
// service's own main.ts (see docs/operations.md).

import { startAds } from '@rt/ads';
import { ConfigError, loadConfig } from '@rt/config';
import { seedConsoleDemo, startConsole } from '@rt/console';
import { createDb, migrateToLatest } from '@rt/db';
import { seedDemo, startDemo } from '@rt/demo';
import { EmbeddedPostgresError } from '@rt/dev-servers';
import { startIngester } from '@rt/ingester';
import { startPixel } from '@rt/pixel';
import { createLogger, Shutdown } from '@rt/runtime';
import { resolveDatabase } from './postgres';
import { printWelcome } from './welcome';

async function main(): Promise<void> {
  const base = loadConfig();
  const logger = createLogger('rt', base.LOG_LEVEL);
  const shutdown = new Shutdown(logger, 20_000).onSignals();
  const say = (msg: string) => logger.info(msg);

  const database = await resolveDatabase(base, say);
  const config = { ...base, DATABASE_URL: database.url };
  const db = createDb(database.url, { max: 2 });
  const applied = await migrateToLatest(db);
  if (applied.length) say(`applied migrations: ${applied.join(', ')}`);
  let consoleUsers: Awaited<ReturnType<typeof seedConsoleDemo>> | [] = [];
  if (config.SEED_DEMO === '1') {
    await seedDemo(db, config);
    consoleUsers = await seedConsoleDemo(db);
  }
  await db.destroy();

  // Started in dependency order; the shutdown closes in the same order: HTTP-facing first.
  const pixel = await startPixel(config);
  shutdown.add('pixel', pixel.close);
  const ads = await startAds(config);
  shutdown.add('ads', ads.close);
  const demo = await startDemo(config);
  shutdown.add('demo sites', demo.close);
  const console_ = await startConsole(config);
  shutdown.add('console', console_.close);
  const ingester = await startIngester(config);
  shutdown.add('ingester', ingester.close);
  shutdown.add('postgres', database.stop);

  const ports = { pixel: pixel.port, ads: ads.port, ingester: ingester.port, ...demo };
  printWelcome(config, ports, database, consoleUsers);
}

main().catch((err) => {
  // What the operator must fix is one line; anything else keeps its stack for a bug report.
  if (err instanceof ConfigError || err instanceof EmbeddedPostgresError) console.error(`rt: ${err.message}`);
  else console.error('rt: failed to start:', err);
  process.exit(1);
});
