import { ConfigError, loadConfig } from '@rt/config';
import { createLogger, Shutdown } from '@rt/runtime';
import { startIngester } from './server';

let config: ReturnType<typeof loadConfig>;
try {
  config = loadConfig();
} catch (err) {
  if (!(err instanceof ConfigError)) throw err;
  process.stderr.write(`${err.message}\n`);
  process.exit(1);
}
const logger = createLogger('ingester', config.LOG_LEVEL);
try {
  const ingester = await startIngester(config, { logger });
  new Shutdown(logger).add('ingester', () => ingester.close()).onSignals();
} catch (err) {
  logger.fatal({ err }, 'ingester failed to start');
  process.exit(1);
}
