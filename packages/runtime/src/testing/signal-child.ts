// A process that stops through Shutdown.onSignals, with a closer that takes CLOSE_MS: the
// shutdown tests send it signals. Prints READY once its handlers are installed.
import { createLogger } from '../logger';
import { Shutdown } from '../shutdown';

const logger = createLogger('signal-child');
new Shutdown(logger)
  .add('slow', () => new Promise((r) => setTimeout(r, Number(process.env.CLOSE_MS ?? 500))))
  .onSignals(Number(process.env.GRACE_MS ?? 2000));
setInterval(() => {}, 1000);
process.stdout.write('READY\n');
