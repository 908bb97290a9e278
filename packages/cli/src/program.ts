import { ConfigError } from '@rt/config';
import { Command, CommanderError } from 'commander';
import { registerAnalystPassword } from './commands/analyst-password';
import { registerAnalytics } from './commands/analytics';
import { registerCatalog } from './commands/catalog';
import { registerDlq } from './commands/dlq';
import { registerErase } from './commands/erase';
import { registerGenerate } from './commands/generate';
import { registerMigrate } from './commands/migrate';
import { registerOwners } from './commands/owners';
import { registerPartitions } from './commands/partitions';
import { registerSiteKeys } from './commands/site-keys';
import { registerSpool } from './commands/spool';
import { registerStatus } from './commands/status';
import { registerUsers } from './commands/users';
import { CliContext, CliError, type CliIO, DEV_DATABASE_URL } from './context';

const ENV_HELP = `
Environment:
  DATABASE_URL   PostgreSQL to work on; unset means the dev embedded Postgres of \`npm start\`
                 (${DEV_DATABASE_URL})
  REDIS_URL      Redis holding the queues; unset means the queues live in Postgres (BullMQ backend)
  DATA_DIR       where the pixel keeps its spool (default .data; relative to the repository root)

Exit codes: 0 done, 1 bad input or failure (the message says which).`;

/** The `rt` program, writing to the given streams; commands open the db/queues only when they need them. */
export function buildProgram(io: CliIO, ctx = new CliContext(io)): Command {
  const program = new Command('rt')
    .description('Operate the retargeting platform: schema, sites, catalog, queues, privacy, analytics.')
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
    })
    .showHelpAfterError('(add --help for usage)')
    .addHelpText('after', ENV_HELP);
  for (const register of [
    registerMigrate,
    registerOwners,
    registerSiteKeys,
    registerCatalog,
    registerDlq,
    registerSpool,
    registerErase,
    registerStatus,
    registerPartitions,
    registerAnalystPassword,
    registerAnalytics,
    registerGenerate,
    registerUsers,
  ]) {
    register(program, ctx);
  }
  return program;
}

/** Runs one command line (without `node rt`) and returns the exit code; never calls process.exit. */
export async function run(argv: string[], io: CliIO): Promise<number> {
  const ctx = new CliContext(io);
  try {
    await buildProgram(io, ctx).parseAsync(argv, { from: 'user' });
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode; // commander printed the message
    if (err instanceof CliError || err instanceof ConfigError) {
      io.stderr.write(`error: ${err.message}\n`);
      return err instanceof CliError ? err.exitCode : 1;
    }
    const e = err as Error;
    io.stderr.write(`error: ${e.name === 'Error' ? '' : `${e.name}: `}${e.message}${hint(e, ctx)}\n`);
    return 1;
  } finally {
    await ctx.close().catch(() => {});
  }
}

/** Says which database was tried when it cannot be reached, and where the default comes from. */
function hint(err: Error, ctx: CliContext): string {
  if (!/ECONNREFUSED|ENOTFOUND|timeout expired/i.test(err.message)) return '';
  let url: URL;
  try {
    url = new URL(ctx.databaseUrl);
  } catch {
    return '';
  }
  const where = `${url.hostname}:${url.port || 5432}${url.pathname}`;
  return ctx.config.DATABASE_URL
    ? ` (DATABASE_URL points at ${where})`
    : ` (DATABASE_URL is unset, so the dev database ${where} was tried: start it with \`npm start\` or set DATABASE_URL)`;
}
