/** String.prototype.isWellFormed / toWellFormed: in Node 20, typed only in lib ES2024. */
type WellFormed = { isWellFormed(): boolean; toWellFormed(): string };

/**
 * Text Postgres can store: U+0000 and lone UTF-16 surrogates become U+FFFD. Neither fits in
 * text or jsonb, so one such character in a job would make the whole batch unqueueable on
 * BullMQ's Postgres backend (spooled, then replayed forever) and unstorable downstream.
 */
export function pgSafe(s: string): string {
  const w = s as unknown as WellFormed;
  const t = w.isWellFormed() ? s : w.toWellFormed();
  return t.includes('\u0000') ? t.replaceAll('\u0000', '\uFFFD') : t;
}

/** pgSafe on every string inside a JSON value; the same object comes back when nothing changes. */
export function pgSafeDeep<T>(value: T): T {
  if (typeof value === 'string') return pgSafe(value) as T;
  if (Array.isArray(value)) {
    let out: unknown[] | undefined;
    value.forEach((x, i) => {
      const y = pgSafeDeep(x);
      if (y !== x) {
        out ??= value.slice();
        out[i] = y;
      }
    });
    return (out ?? value) as T;
  }
  if (value !== null && typeof value === 'object') {
    let out: Record<string, unknown> | undefined;
    for (const [k, x] of Object.entries(value)) {
      const y = pgSafeDeep(x);
      if (y !== x) {
        out ??= { ...(value as Record<string, unknown>) };
        out[k] = y;
      }
    }
    return (out ?? value) as T;
  }
  return value;
}
