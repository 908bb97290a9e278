import { newSiteKey, siteKeyHash } from '@rt/db';
import type { Command } from 'commander';
import { type CliContext, CliError } from '../context';
import { parseSlug } from '../origins';

/**
 * `rt sites key <site>`: the key a merchant's backend sends events with (docs/integrations.md).
 * Printed once, alone on the last line so a script can take it with `tail -n1`; only its hash is
 * stored, so a lost key is rotated, never recovered.
 */
export function registerSiteKeys(program: Command, ctx: CliContext): void {
  const sites = program.commands.find((c) => c.name() === 'sites');
  if (!sites) throw new Error('register the sites command first');
  sites
    .command('key')
    .description(
      'Create or rotate the key for server-side events (POST /v1/events with Authorization: Bearer <key>) ' +
        'and print it alone on the last line; the previous key stops working within the pixel refresh ' +
        '(5 s). With --revoke, remove the key without a new one',
    )
    .argument('<site>', 'merchant site')
    .option('--revoke', 'remove the key: server-side events for this site answer 401 until a new one is made')
    .action(async (site: string, opts: { revoke?: boolean }) => {
      parseSlug(site, 'site id');
      const db = ctx.getDb();
      const known = await db
        .selectFrom('sites')
        .select('id')
        .where('id', '=', site)
        .where('removed_at', 'is', null)
        .executeTakeFirst();
      if (!known) throw new CliError(`unknown site "${site}" (add it with: rt sites add ${site} --name ...)`);
      if (opts.revoke) {
        const gone = await db.deleteFrom('site_keys').where('site_id', '=', site).executeTakeFirst();
        ctx.out(gone.numDeletedRows ? `revoked the key of ${site}` : `${site} had no key`);
        return;
      }
      const key = newSiteKey();
      const row = { site_id: site, key_sha256: siteKeyHash(key), created_at: new Date() };
      const old = await db.selectFrom('site_keys').select('site_id').where('site_id', '=', site).executeTakeFirst();
      await db
        .insertInto('site_keys')
        .values(row)
        .onConflict((oc) =>
          oc.column('site_id').doUpdateSet({ key_sha256: row.key_sha256, created_at: row.created_at }),
        )
        .execute();
      ctx.out(
        `${old ? 'rotated' : 'created'} the key of ${site}; it is shown once, keep it secret (only its hash is stored):`,
      );
      ctx.out(key);
    });
}
