export { EXAMPLES, fillPlaceholders } from './analytics/examples';
export { type FeedError, type FeedProduct, readFeed, validateFeed } from './catalog/feed';
export { upsertProducts } from './catalog/upsert';
export { ROLLUPS } from './commands/analytics';
export { CliContext, CliError, type CliIO, DEV_DATABASE_URL } from './context';
export { type GenerateOptions, type GenerateSummary, generate } from './generate/generate';
export { parseOrigin, parseSlug } from './origins';
export { buildProgram, run } from './program';
