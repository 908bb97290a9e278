import { loadConfigOrExit } from '@rt/config';
import { createLogger, Shutdown } from '@rt/runtime';
import { startIngester } from './server';

const config = loadConfigOrExit('ingester');
const logger = createLogger('ingester', config.LOG_LEVEL);
try {
  const ingester = await startIngester(config, { logger });
  new Shutdown(logger).add('ingester', () => ingester.close()).onSignals();
} catch (err) {
  logger.fatal({ err }, 'ingester failed to start');
  process.exit(1);
}
