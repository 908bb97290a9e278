import { type RawBuilder, sql } from 'kysely';

/** PostgreSQL types, and `epoch_ms`: a timestamptz given as epoch milliseconds. */
export type PgType = 'text' | 'uuid' | 'timestamptz' | 'epoch_ms' | 'numeric' | 'int4' | 'int8' | 'bool' | 'jsonb';
type ColumnOf<T extends PgType, V> = readonly [name: string, type: T, values: readonly V[]];
/**
 * A column of rows: its name, PostgreSQL type and values (null or undefined: NULL). A jsonb
 * column holds JSON values (not their text), sent in one JSON document.
 */
export type Column =
  | ColumnOf<'text' | 'uuid' | 'timestamptz', string | null | undefined>
  | ColumnOf<'bool', boolean | null | undefined>
  | ColumnOf<'numeric' | 'int4' | 'int8', number | string | null | undefined>
  | ColumnOf<'epoch_ms', number | null | undefined>
  | ColumnOf<'jsonb', unknown>;

// Values of these types never contain a comma, quote, brace, backslash or space.
const PLAIN = new Set<PgType>(['uuid', 'timestamptz', 'epoch_ms', 'numeric', 'int4', 'int8', 'bool']);
const NUMBERS = new Set<PgType>(['epoch_ms', 'numeric', 'int4', 'int8']);
const NEEDS_ESCAPE = /["\\]/;
const ESCAPED = /["\\]/g;
// In JSON text, a backslash followed by anything but `"` or `\` (`\n`, `\u0001`, ...): an escape
// that means something else in an array literal. Also matches the second half of `\\n`; that
// only sends such a column down the slower path.
const JSON_ONLY_ESCAPE = /\\[^"\\]/;

/** Numbers JSON writes as null (NaN, ±Infinity), which String() writes as PostgreSQL reads them. */
const nonFinite = (v: unknown): boolean => typeof v === 'number' && !Number.isFinite(v);

/**
 * The array literal of a column. Usually native JSON.stringify builds it: a JSON array of
 * strings, finite numbers, booleans and nulls is an array literal once its brackets become
 * braces (`"` and `\` are escaped the same way, and array_in reads an unquoted `null` as NULL),
 * unless JSON escaped a control character its own way. Otherwise it is built element by element:
 * plain values as they are, text double-quoted with `"` and `\` escaped. (The driver's generic
 * encoder does the same through several calls, and cost ~10 µs an event here.)
 */
function arrayParam(type: PgType, values: readonly unknown[]): string {
  // Only number columns are checked: the Column type keeps numbers out of the others.
  if (!NUMBERS.has(type) || !values.some(nonFinite)) {
    const json = JSON.stringify(values);
    // Most columns hold no backslash at all: one indexOf instead of the regex.
    if (!json.includes('\\') || !JSON_ONLY_ESCAPE.test(json)) return `{${json.slice(1, -1)}}`;
  }
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
 * Epoch milliseconds travel as float8 (formatting a Date as ISO text cost ~0.5 µs a value here,
 * and PostgreSQL parses a number in half the time it parses the text) and become timestamptz
 * exactly: `ms * interval '1 millisecond'` is computed in whole microseconds.
 */
const arrayType = (type: PgType) => sql.raw(type === 'epoch_ms' ? 'float8' : type);
const converted = (type: PgType) => type === 'jsonb' || type === 'epoch_ms';

/**
 * `(select unnest($1::t1[]) as c1, unnest($2::t2[]) as c2, ...) as alias`: one array parameter
 * per column, so a statement carries any number of rows without nearing PostgreSQL's
 * 65,535-parameter limit. The arrays are unnested in the select list, where PostgreSQL walks them
 * in lockstep (ProjectSet) and hands rows on in the arrays' order; `from unnest(...)` first
 * copied every row into a tuplestore (~4.5 µs of PostgreSQL CPU per event more). A jsonb column
 * is one JSON array instead (`json_array_elements` beside the others): its documents go as they
 * are, not as text escaped again inside an array literal.
 */
export function unnest(columns: readonly Column[], alias = 'u'): RawBuilder<unknown> {
  const sets = sql.join(
    columns.map(([name, type, values]) => {
      const set =
        type === 'jsonb'
          ? sql`json_array_elements(${sql.val(JSON.stringify(values))}::json)`
          : sql`unnest(${sql.val(arrayParam(type, values))}::${arrayType(type)}[])`;
      return sql`${set} as ${sql.id(name)}`;
    }),
  );
  if (!columns.some(([, type]) => converted(type))) return sql`(select ${sets}) as ${sql.id(alias)}`;
  const casts = sql.join(
    columns.map(([name, type]) => {
      const id = sql.id(name);
      // A JSON null (what JSON.stringify writes for null and undefined) is NULL, as in other columns.
      if (type === 'jsonb') return sql`nullif(${id}::jsonb, 'null') as ${id}`;
      if (type === 'epoch_ms') return sql`'epoch'::timestamptz + ${id} * interval '1 millisecond' as ${id}`;
      return id;
    }),
  );
  return sql`(select ${casts} from (select ${sets}) as u0) as ${sql.id(alias)}`;
}
