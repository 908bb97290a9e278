export { createApp } from './app';
export { createDeps, type Deps, type DepsOverrides } from './deps';
export { type AdsServer, startAds, warmCaches } from './server';
