export { type Listening, type ListenOptions, listen, mountOps, type OpsPlacement } from './http';
export { createLogger, type Logger } from './logger';
export {
  Counter,
  createRegistry,
  createResponseCounts,
  Gauge,
  Histogram,
  Registry,
  type ResponseCounts,
  watchDependencies,
} from './metrics';
export { Shutdown } from './shutdown';
