import { loadConfigOrExit } from '@rt/config';
import { createDb } from '@rt/db';
import { createLogger, Shutdown } from '@rt/runtime';
import { seedDemo } from './seed';
import { startDemo } from './server';

const config = loadConfigOrExit('demo');
const logger = createLogger('demo', config.LOG_LEVEL);
const demo = await startDemo(config, { logger });
new Shutdown(logger).add('demo sites', () => demo.close()).onSignals();

// Alone, the demo seeds only a database it is pointed at; `npm start` seeds its own.
if (config.SEED_DEMO === '1' && config.DATABASE_URL) {
  const db = createDb(config.DATABASE_URL, { max: 1, applicationName: 'demo-seed' });
  await seedDemo(db, { ...config, DEMO_SHOP_PORT: demo.shopPort, DEMO_NEWS_PORT: demo.newsPort })
    .then((r) => logger.info(r, 'seeded demo-shop and demo-news'))
    .catch((err) => logger.warn({ err }, 'could not seed the demo (are the migrations applied?)'))
    .finally(() => db.destroy());
}
logger.info({ shop: demo.shopUrl, news: demo.newsUrl }, 'demo sites listening');
