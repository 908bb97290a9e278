export { EXAMPLES, fillPlaceholders } from './analytics/examples';
export { ROLLUPS } from './commands/analytics';
export { CliContext, CliError, type CliIO, DEV_DATABASE_URL } from './context';
export { type GenerateOptions, type GenerateSummary, generate } from './generate/generate';
export { buildProgram, run } from './program';
