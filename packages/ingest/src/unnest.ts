import { type RawBuilder, sql } from 'kysely';

export type PgType = 'text' | 'uuid' | 'timestamptz' | 'numeric' | 'int4' | 'int8' | 'bool' | 'jsonb';
export type Column = readonly [name: string, type: PgType, values: readonly unknown[]];

/**
 * `unnest($1::t1[], $2::t2[], ...) as alias(c1, c2, ...)`: one array parameter per column, so a
 * statement carries any number of rows without nearing PostgreSQL's 65,535-parameter limit.
 */
export function unnest(columns: readonly Column[], alias = 'u'): RawBuilder<unknown> {
  const args = sql.join(columns.map(([, type, values]) => sql`${sql.val(values)}::${sql.raw(type)}[]`));
  const names = sql.join(columns.map(([name]) => sql.id(name)));
  return sql`unnest(${args}) as ${sql.id(alias)}(${names})`;
}

export const iso = (ms: number | null | undefined): string | null =>
  ms === null || ms === undefined ? null : new Date(ms).toISOString();
