const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Whether a string is a UUID as Postgres' uuid type prints or accepts it (any case). */
export function isUuid(value: string): boolean {
  return UUID.test(value);
}
