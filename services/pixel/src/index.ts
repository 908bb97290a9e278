export { createApp } from './app';
export { createDeps, type Deps, type DepsOverrides } from './deps';
export { GIF } from './routes/gif';
export { type RunningPixel, startPixel } from './server';
