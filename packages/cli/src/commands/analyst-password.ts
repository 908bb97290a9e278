import type { Command } from 'commander';
import { sql } from 'kysely';
import { type CliContext, CliError } from '../context';
import { scramVerifier } from '../scram';

export async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  let text = '';
  for await (const chunk of stream) text += chunk.toString();
  return text;
}

export function registerAnalystPassword(program: Command, ctx: CliContext): void {
  program
    .command('analyst-password')
    .description(
      'Set the password of the read-only role rt_analyst and allow it to log in ' +
        '(the role exists in every migrated database; it cannot log in until this is run)',
    )
    .option('--password <password>', 'the new password (visible in shell history; prefer --stdin)')
    .option('--stdin', 'read the password from standard input (first line)')
    .option('--disable', 'forbid logins again (NOLOGIN) and remove the password')
    .action(async (opts: { password?: string; stdin?: boolean; disable?: boolean }) => {
      const db = ctx.getDb();
      const role = await sql`select 1 from pg_roles where rolname = 'rt_analyst'`.execute(db);
      if (!role.rows.length) throw new CliError('role rt_analyst does not exist yet; run `rt migrate` first');
      if (opts.disable) {
        if (opts.password || opts.stdin) throw new CliError('--disable takes no password');
        await sql`alter role rt_analyst nologin password null`.execute(db);
        return ctx.out('rt_analyst can no longer log in');
      }
      if (!!opts.password === !!opts.stdin)
        throw new CliError('give the password with exactly one of --password or --stdin');
      let password = opts.password;
      if (opts.stdin) {
        if (!ctx.io.stdin) throw new CliError('no standard input to read the password from');
        password = (await readAll(ctx.io.stdin)).split(/\r?\n/)[0];
      }
      if (!password || password.length < 12) throw new CliError('the password must be at least 12 characters');
      await sql`alter role rt_analyst login password ${sql.lit(scramVerifier(password))}`.execute(db);
      const url = new URL(ctx.databaseUrl);
      ctx.out(`rt_analyst can now log in: postgres://rt_analyst:<password>@${url.host}${url.pathname}`);
    });
}
