import { isUuid } from '@rt/db';
import { ERASE_KINDS, type EraseKind } from '@rt/events';
import { eraseVisitor } from '@rt/ingest';
import type { Command } from 'commander';
import { type CliContext, CliError } from '../context';

const SHA256 = /^[0-9a-f]{64}$/i;

/** A uuid is a visitor id when such a visitor exists, else an rt_vid cookie value; 64 hex is an email hash. */
async function inferKind(ctx: CliContext, value: string): Promise<EraseKind> {
  if (SHA256.test(value)) return 'email_sha256';
  if (!isUuid(value)) {
    throw new CliError(`"${value}" is neither a visitor id / rt_vid (uuid) nor an email hash (64 hex characters)`);
  }
  const visitor = await ctx.getDb().selectFrom('visitors').select('id').where('id', '=', value).executeTakeFirst();
  return visitor ? 'visitor_id' : 'rt_vid';
}

export function registerErase(program: Command, ctx: CliContext): void {
  program
    .command('erase')
    .description(
      "Erase a visitor's personal data now (identities, interest, carts; events keep their counts without the " +
        'visitor id), or with --queue leave it to the ingester',
    )
    .argument('<visitor>', 'visitor id or rt_vid (uuid), or email_sha256 (64 hex)')
    .option('--kind <kind>', 'visitor_id, rt_vid or email_sha256 (default: inferred)')
    .option('--queue', 'queue the erasure for the ingester instead of erasing here')
    .action(async (value: string, opts: { kind?: string; queue?: boolean }) => {
      if (opts.kind && !(ERASE_KINDS as readonly string[]).includes(opts.kind)) {
        throw new CliError(`--kind must be visitor_id, rt_vid or email_sha256, not "${opts.kind}"`);
      }
      const kind = (opts.kind as EraseKind | undefined) ?? (await inferKind(ctx, value));
      if (kind === 'email_sha256' ? !SHA256.test(value) : !isUuid(value)) {
        throw new CliError(`"${value}" is not a valid ${kind}`);
      }
      const normalized = value.toLowerCase();
      if (opts.queue) {
        await ctx
          .getQueues()
          .queue('privacy')
          .add('erase', { v: 1, kind, value: normalized, requested_at: new Date().toISOString() });
        ctx.out(`erasure of ${kind} ${normalized} queued`);
        return;
      }
      const result = await eraseVisitor(ctx.getDb(), kind, normalized);
      ctx.out(
        result.visitors.length
          ? `erased ${kind} ${normalized}: ${result.visitors.length} visitor(s), ${result.identities} identities, ${result.events} events unlinked`
          : `nothing to erase: no visitor has ${kind} ${normalized}`,
      );
    });
}
