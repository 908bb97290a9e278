export { createApp } from './app';
export { type AdSize, SIZES } from './creative/sizes';
export { createDeps, type Deps, type DepsOverrides } from './deps';
export { type AdsServer, startAds, warmCaches } from './server';
