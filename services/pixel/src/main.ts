import { loadConfigOrExit } from '@rt/config';
import { createLogger, Shutdown } from '@rt/runtime';
import { startPixel } from './server';

const config = loadConfigOrExit('pixel');
const logger = createLogger('pixel', config.LOG_LEVEL);
try {
  const pixel = await startPixel(config, { logger });
  new Shutdown(logger).add('pixel', () => pixel.close()).onSignals();
} catch (err) {
  logger.fatal({ err: String(err) }, 'pixel failed to start');
  process.exit(1);
}
