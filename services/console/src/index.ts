export { createApp } from './app';
export { createDeps, type Deps, type DepsOverrides } from './deps';
export { seedConsoleDemo } from './seed-demo';
export { type RunningConsole, startConsole } from './server';
