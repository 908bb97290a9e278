import { type RawBuilder, sql } from 'kysely';

export type PgType = 'text' | 'uuid' | 'timestamptz' | 'numeric' | 'int4' | 'int8' | 'bool' | 'jsonb';
export type Column = readonly [name: string, type: PgType, values: readonly unknown[]];

// Values of these types never contain a comma, quote, brace, backslash or space.
const PLAIN = new Set<PgType>(['uuid', 'timestamptz', 'numeric', 'int4', 'int8', 'bool']);
const NEEDS_ESCAPE = /["\\]/;
const ESCAPED = /["\\]/g;

/**
 * The array literal of a column, built in one pass: plain values as they are, text (and jsonb,
 * which travels as text) double-quoted with `"` and `\` escaped. The driver's generic encoder
 * does the same element by element through several calls, and cost ~10 µs an event here.
 */
function arrayParam(type: PgType, values: readonly unknown[]): string {
  const plain = PLAIN.has(type);
  // Pieces joined once: one flat string, instead of a rope of thousands of `+=` pieces that the
  // driver's Buffer.byteLength must flatten (and allocate) again.
  const parts = new Array<string>(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v === null || v === undefined) parts[i] = 'NULL';
    else if (plain) parts[i] = String(v);
    else {
      const s = String(v);
      parts[i] = NEEDS_ESCAPE.test(s) ? `"${s.replace(ESCAPED, '\\$&')}"` : `"${s}"`;
    }
  }
  return `{${parts.join(',')}}`;
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
