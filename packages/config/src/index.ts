export {
  CONFIG_KEYS,
  type Config,
  ConfigError,
  exitOnConfigError,
  invalidEnvironment,
  loadConfig,
  loadConfigOrExit,
} from './config';
export { repoRoot, resolveDataDir } from './root';
export { dataDir, loadOrCreateSecret } from './secret';
