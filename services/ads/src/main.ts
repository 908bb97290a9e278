import { loadConfigOrExit } from '@rt/config';
import { createLogger, Shutdown } from '@rt/runtime';
import { startAds } from './server';

const config = loadConfigOrExit('ads');
const logger = createLogger('ads', config.LOG_LEVEL);
try {
  const server = await startAds(config, { logger });
  new Shutdown(logger).add('ads', () => server.close()).onSignals();
} catch (err) {
  logger.fatal({ err }, 'ads failed to start');
  process.exit(1);
}
