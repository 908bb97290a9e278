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
