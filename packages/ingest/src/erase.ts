import { type Db, isUuid, notifyVisitorChanges, personOf } from '@rt/db';
import type { EraseKind } from '@rt/events';
import { sql } from 'kysely';

export interface EraseResult {
  /** The visitor ids erased: the person's visitor and every visitor merged into it. */
  visitors: string[];
  identities: number;
  events: number;
}

/**
 * Removes a visitor's personal data (docs/operations.md, "Erasure"): identities, interest, carts, the
 * email hash of its sessions; events and orders keep their counts but lose the visitor id.
 * The whole person is erased: the visitor found, the one it was merged into and all merged into
 * that. Idempotent; an unknown id erases nothing. Locks the visitor rows first so it never
 * interleaves with a batch writing for the same visitor.
 */
export async function eraseVisitor(db: Db, kind: EraseKind, value: string): Promise<EraseResult> {
  return db.transaction().execute(async (trx) => {
    let start: string | undefined;
    if (kind === 'visitor_id') start = isUuid(value) ? value.toLowerCase() : undefined;
    else {
      const row = await trx
        .selectFrom('identities')
        .select('visitor_id')
        .where('kind', '=', kind)
        .where('value', '=', value)
        .executeTakeFirst();
      start = row?.visitor_id;
    }
    if (!start) return { visitors: [], identities: 0, events: 0 };
    const { rows } = await sql<{ id: string }>`
      with recursive ${personOf(sql`(select ${start}::uuid as start)`)}
      select v.id from visitors v where v.id in (select id from family)
      order by v.id for no key update of v`.execute(trx);
    const ids = rows.map((r) => r.id);
    if (ids.length === 0) ids.push(start);
    const idents = await sql`delete from identities where visitor_id = any(${ids}::uuid[])`.execute(trx);
    await sql`delete from interest where visitor_id = any(${ids}::uuid[])`.execute(trx);
    await sql`delete from carts where visitor_id = any(${ids}::uuid[])`.execute(trx);
    await sql`delete from cart_states where visitor_id = any(${ids}::uuid[])`.execute(trx);
    await sql`update sessions set email_sha256 = null where visitor_id = any(${ids}::uuid[]) and email_sha256 is not null`.execute(
      trx,
    );
    await sql`update orders set visitor_id = null where visitor_id = any(${ids}::uuid[])`.execute(trx);
    const events = await sql`update events set visitor_id = null where visitor_id = any(${ids}::uuid[])`.execute(trx);
    await notifyVisitorChanges(ids)?.execute(trx);
    return {
      visitors: ids,
      identities: Number(idents.numAffectedRows ?? 0),
      events: Number(events.numAffectedRows ?? 0),
    };
  });
}
