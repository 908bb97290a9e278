/**
 * U+0000 becomes U+FFFD. Postgres text and jsonb cannot hold NUL, so one such character in a job
 * would make the whole batch unqueueable on BullMQ's Postgres backend and unstorable downstream.
 */
export function replaceNul(s: string): string {
  return s.includes('\u0000') ? s.replaceAll('\u0000', '\uFFFD') : s;
}
