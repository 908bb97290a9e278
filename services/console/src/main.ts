import { exitOnConfigError, loadConfigOrExit } from '@rt/config';
import { createLogger, Shutdown } from '@rt/runtime';
import { startConsole } from './server';

const config = loadConfigOrExit('console');
const logger = createLogger('console', config.LOG_LEVEL);
try {
  const running = await startConsole(config, { logger });
  new Shutdown(logger).add('console', () => running.close()).onSignals();
} catch (err) {
  exitOnConfigError('console', err);
  logger.fatal({ err }, 'console failed to start');
  process.exit(1);
}
