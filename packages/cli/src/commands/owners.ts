import type { Command } from 'commander';
import { sql } from 'kysely';
import type { CliContext } from '../context';
import { parseOrigin, parseSlug } from '../origins';

const collect = (v: string, prev: string[]) => [...prev, v];

/** `sites` and `partners` share a shape: id, name, allowed origins. */
export function registerOwners(program: Command, ctx: CliContext): void {
  for (const table of ['sites', 'partners'] as const) {
    const noun = table === 'sites' ? 'site (merchant)' : 'partner (publisher)';
    const group = program.command(table).description(`Add or list ${table} and their allowed origins`);
    group
      .command('add')
      .description(`Add a ${noun}, or update the name and origins of an existing one`)
      .argument('<id>', 'slug used in tags, e.g. demo-shop')
      .requiredOption('--name <name>', 'display name')
      .option('--origin <origin>', 'allowed origin scheme://host[:port] (repeatable)', collect, [])
      .action(async (id: string, opts: { name: string; origin: string[] }) => {
        parseSlug(id, table === 'sites' ? 'site id' : 'partner id');
        const origins = [...new Set(opts.origin.map(parseOrigin))];
        const row = await ctx
          .getDb()
          .insertInto(table)
          .values({ id, name: opts.name, allowed_origins: origins })
          .onConflict((oc) => oc.column('id').doUpdateSet({ name: opts.name, allowed_origins: origins }))
          .returning(sql<boolean>`xmax = 0`.as('inserted'))
          .executeTakeFirstOrThrow();
        ctx.out(
          `${row.inserted ? 'added' : 'updated'} ${table.slice(0, -1)} ${id} (${origins.join(' ') || 'no origins'})`,
        );
      });
    group
      .command('list')
      .description(`List ${table}`)
      .option('--json', 'print JSON')
      .action(async (opts: { json?: boolean }) => {
        const rows = await ctx.getDb().selectFrom(table).selectAll().orderBy('id').execute();
        if (opts.json) return ctx.json(rows);
        if (!rows.length) return ctx.out(`no ${table}`);
        for (const r of rows) ctx.out(`${r.id}\t${r.name}\t${r.allowed_origins.join(' ')}`);
      });
  }
}
