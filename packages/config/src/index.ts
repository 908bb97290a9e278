export { CONFIG_KEYS, type Config, ConfigError, loadConfig, loadConfigOrExit } from './config';
export { dataDir, loadOrCreateSecret } from './secret';
