export { type Config, ConfigError, loadConfig } from './config';
export { dataDir, loadOrCreateSecret } from './secret';
