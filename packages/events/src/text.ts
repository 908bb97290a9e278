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
    for (let i = 0; i < value.length; i++) {
      const x: unknown = value[i];
      const y = pgSafeDeep(x);
      if (y === x) continue;
      if (!out) out = value.slice();
      out[i] = y;
    }
    return (out ?? value) as T;
  }
  if (value !== null && typeof value === 'object') {
    // A for-in loop: this runs on every queued event, and Object.entries allocates per object.
    const obj = value as Record<string, unknown>;
    let out: Record<string, unknown> | undefined;
    for (const k in obj) {
      if (!Object.hasOwn(obj, k)) continue;
      const x = obj[k];
      const y = pgSafeDeep(x);
      if (y === x) continue;
      if (!out) out = { ...obj };
      out[k] = y;
    }
    return (out ?? value) as T;
  }
  return value;
}
