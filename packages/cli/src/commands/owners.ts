import type { Command } from 'commander';
import { sql } from 'kysely';
import { type CliContext, CliError } from '../context';
import { parseOrigin, parseSlug } from '../origins';

const collect = (v: string, prev: string[]) => [...prev, v];

const NOUNS = {
  sites: { noun: 'site (merchant)', example: 'demo-shop', effect: 'their pixel refuses hits' },
  partners: { noun: 'partner (publisher)', example: 'demo-news', effect: 'their ad requests answer 404' },
} as const;

/** `sites` and `partners` share a shape: id, name, allowed origins, and a soft removal. */
export function registerOwners(program: Command, ctx: CliContext): void {
  for (const table of ['sites', 'partners'] as const) {
    const { noun, example, effect } = NOUNS[table];
    const one = table.slice(0, -1);
    const group = program.command(table).description(`Add, list or remove ${table} and their allowed origins`);
    group
      .command('add')
      .description(`Add a ${noun}, or update the name and origins of an existing one (a removed one is restored)`)
      .argument('<id>', `slug used in tags, e.g. ${example}`)
      .requiredOption('--name <name>', 'display name')
      .option('--origin <origin>', 'allowed origin scheme://host[:port] (repeatable)', collect, [])
      .action(async (id: string, opts: { name: string; origin: string[] }) => {
        parseSlug(id, `${one} id`);
        const origins = [...new Set(opts.origin.map(parseOrigin))];
        const row = await ctx
          .getDb()
          .insertInto(table)
          .values({ id, name: opts.name, allowed_origins: origins })
          .onConflict((oc) =>
            oc.column('id').doUpdateSet({ name: opts.name, allowed_origins: origins, removed_at: null }),
          )
          .returning(sql<boolean>`xmax = 0`.as('inserted'))
          .executeTakeFirstOrThrow();
        ctx.out(`${row.inserted ? 'added' : 'updated'} ${one} ${id} (${origins.join(' ') || 'no origins'})`);
      });
    group
      .command('list')
      .description(`List ${table} in service (with --all, removed ones too, marked "removed")`)
      .option('--all', 'include removed ones')
      .option('--json', 'print JSON')
      .action(async (opts: { all?: boolean; json?: boolean }) => {
        let q = ctx.getDb().selectFrom(table).selectAll().orderBy('id');
        if (!opts.all) q = q.where('removed_at', 'is', null);
        const rows = await q.execute();
        if (opts.json) return ctx.json(rows);
        if (!rows.length) return ctx.out(`no ${table}`);
        for (const r of rows) {
          ctx.out(`${r.id}\t${r.name}\t${r.allowed_origins.join(' ')}${r.removed_at ? '\tremoved' : ''}`);
        }
      });
    group
      .command('remove')
      .description(
        `Remove ${table} from service: ${effect} within seconds; their data stays for analysts ` +
          `(\`rt ${table} add\` restores one)`,
      )
      .argument('<ids...>', `${one} ids`)
      .action(async (ids: string[]) => {
        for (const id of ids) parseSlug(id, `${one} id`);
        const db = ctx.getDb();
        const known = await db.selectFrom(table).select(['id', 'removed_at']).where('id', 'in', ids).execute();
        const unknown = ids.filter((id) => !known.some((k) => k.id === id));
        if (unknown.length) throw new CliError(`unknown ${table}: ${unknown.join(', ')}; nothing removed`);
        const removed = await db
          .updateTable(table)
          .set({ removed_at: new Date() })
          .where('id', 'in', ids)
          .where('removed_at', 'is', null)
          .returning('id')
          .execute();
        for (const id of ids) {
          ctx.out(removed.some((r) => r.id === id) ? `removed ${one} ${id}` : `${one} ${id} was already removed`);
        }
      });
  }
}
