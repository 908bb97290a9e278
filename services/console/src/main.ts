import { loadConfig } from '@rt/config';
import { createLogger, Shutdown } from '@rt/runtime';
import { startConsole } from './server';

const config = loadConfig();
const logger = createLogger('console', config.LOG_LEVEL);
try {
  const running = await startConsole(config, { logger });
  new Shutdown(logger).add('console', () => running.close()).onSignals();
} catch (err) {
  logger.fatal({ err: String(err) }, 'console failed to start');
  process.exit(1);
}
