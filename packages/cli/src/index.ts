export { CliContext, CliError, type CliIO, DEV_DATABASE_URL } from './context';
export { buildProgram, run } from './program';
