import { addUser, type Grant, listUsers, removeUser, UserError } from '@rt/users';
import type { Command } from 'commander';
import { type CliContext, CliError } from '../context';
import { parseSlug } from '../origins';
import { readAll } from './analyst-password';

/** Turns the users package's bad-input errors into the CLI's `error: ...` with exit code 1. */
async function asCli<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (err) {
    if (err instanceof UserError) throw new CliError(err.message);
    throw err;
  }
}

export function registerUsers(program: Command, ctx: CliContext): void {
  const users = program.command('users').description('Console users: merchants (sites), partners and admins');
  users
    .command('add')
    .description(
      'Add a console user, or give an existing one another site or partner and a new password ' +
        '(its open sessions end). Exactly one of --site, --partner or --admin.',
    )
    .argument('<email>', 'the login, e.g. ops@shop.example')
    .option('--site <id>', 'a merchant user of this site')
    .option('--partner <id>', 'a partner user of this partner')
    .option('--admin', 'an admin: sees every site, partner and user')
    .option('--stdin', 'read the password from standard input (first line); required')
    .action(async (email: string, opts: { site?: string; partner?: string; admin?: boolean; stdin?: boolean }) => {
      const chosen = [opts.site, opts.partner, opts.admin].filter((v) => v !== undefined);
      if (chosen.length !== 1) throw new CliError('give exactly one of --site <id>, --partner <id> or --admin');
      if (!opts.stdin)
        throw new CliError('give the password on standard input with --stdin (never on the command line)');
      if (!ctx.io.stdin) throw new CliError('no standard input to read the password from');
      const grant: Grant = opts.site
        ? { site: parseSlug(opts.site, 'site id') }
        : opts.partner
          ? { partner: parseSlug(opts.partner, 'partner id') }
          : { admin: true };
      const password = (await readAll(ctx.io.stdin)).split(/\r?\n/)[0] ?? '';
      const done = await asCli(addUser(ctx.getDb(), email, password, grant));
      ctx.out(`${done} ${email.trim().toLowerCase()}`);
    });
  users
    .command('list')
    .description('List console users with their role, sites and partners')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }) => {
      const rows = await listUsers(ctx.getDb());
      if (opts.json) return ctx.json(rows);
      if (!rows.length) return ctx.out('no users');
      for (const u of rows) ctx.out(`${u.email}\t${u.role}\t${[...u.sites, ...u.partners].join(' ')}`);
    });
  users
    .command('remove')
    .description('Remove a console user and end its sessions')
    .argument('<email>')
    .action(async (email: string) => {
      if (!(await asCli(removeUser(ctx.getDb(), email)))) throw new CliError(`no user ${email}`);
      ctx.out(`removed ${email.trim().toLowerCase()}`);
    });
}
