export {
  type Config,
  ConfigError,
  exitOnConfigError,
  invalidEnvironment,
  loadConfig,
  loadConfigOrExit,
} from './config';
export { dataDir, loadOrCreateSecret } from './secret';
export { repoRoot, resolveDataDir } from './root';
