import { type RawBuilder, sql, type Transaction } from 'kysely';

/** One data-modifying statement of a batch; `count` names the number of rows it returns. */
export interface Statement {
  sql: RawBuilder<unknown>;
  count?: string;
}

/**
 * Runs a batch's writes as ONE statement (`with s0 as (insert ...), s1 as (update ...) select`):
 * one round trip instead of one per table. They run on one snapshot and none sees another's
 * effect, so callers only group statements that touch disjoint rows.
 */
export async function runTogether(trx: Transaction<any>, statements: Statement[]): Promise<Record<string, number>> {
  if (statements.length === 0) return {};
  const ctes = sql.join(statements.map((s, i) => sql`${sql.id(`s${i}`)} as (${s.sql})`));
  const counts = statements.flatMap((s, i) =>
    s.count ? [sql`(select count(*)::int from ${sql.id(`s${i}`)}) as ${sql.id(s.count)}`] : [],
  );
  const { rows } = await sql<
    Record<string, number>
  >`with ${ctes} select ${counts.length > 0 ? sql.join(counts) : sql`1 as done`}`.execute(trx);
  return rows[0] ?? {};
}
