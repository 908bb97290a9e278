export { type Listening, type ListenOptions, listen, mountOps } from './http';
export { createLogger, type Logger } from './logger';
export { Counter, createRegistry, Gauge, Histogram, Registry } from './metrics';
export { Shutdown } from './shutdown';
