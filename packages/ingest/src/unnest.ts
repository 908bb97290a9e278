import { type RawBuilder, sql } from 'kysely';

export type PgType = 'text' | 'uuid' | 'timestamptz' | 'numeric' | 'int4' | 'int8' | 'bool' | 'jsonb';
export type Column = readonly [name: string, type: PgType, values: readonly unknown[]];

// Values of these types never contain a comma, quote, brace, backslash or space.
const PLAIN = new Set<PgType>(['uuid', 'timestamptz', 'numeric', 'int4', 'int8', 'bool']);

/**
 * The array literal of a column whose values need no quoting, built in one join (the driver's
 * generic encoder escapes element by element); text columns go through the driver as arrays.
 */
function arrayParam(type: PgType, values: readonly unknown[]): unknown {
  if (!PLAIN.has(type)) return values;
  let out = '{';
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    out += (i === 0 ? '' : ',') + (v === null || v === undefined ? 'NULL' : String(v));
  }
  return `${out}}`;
}

/**
 * `unnest($1::t1[], $2::t2[], ...) as alias(c1, c2, ...)`: one array parameter per column, so a
 * statement carries any number of rows without nearing PostgreSQL's 65,535-parameter limit.
 */
export function unnest(columns: readonly Column[], alias = 'u'): RawBuilder<unknown> {
  // jsonb travels as text[]: a jsonb[] literal escapes every quote of every document again.
  const args = sql.join(
    columns.map(
      ([, type, values]) => sql`${sql.val(arrayParam(type, values))}::${sql.raw(type === 'jsonb' ? 'text' : type)}[]`,
    ),
  );
  const names = sql.join(columns.map(([name]) => sql.id(name)));
  if (!columns.some(([, type]) => type === 'jsonb')) return sql`unnest(${args}) as ${sql.id(alias)}(${names})`;
  const casts = sql.join(
    columns.map(([name, type]) => (type === 'jsonb' ? sql`${sql.id(name)}::jsonb as ${sql.id(name)}` : sql.id(name))),
  );
  return sql`(select ${casts} from unnest(${args}) as u0(${names})) as ${sql.id(alias)}`;
}

export const iso = (ms: number | null | undefined): string | null =>
  ms === null || ms === undefined ? null : new Date(ms).toISOString();
