export { createApp } from './app';
export { createDeps, type Deps, type DepsOverrides, MissingDatabaseError } from './deps';
export { type Ingester, startIngester } from './server';
