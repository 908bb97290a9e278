import type { Context } from 'hono';

/** The text fields of a submitted form; a body that is not a form reads as no fields. */
export async function readForm(c: Context): Promise<Record<string, string | undefined>> {
  const body = await c.req.parseBody().catch(() => ({}));
  const fields: Record<string, string> = {};
  for (const [key, value] of Object.entries(body)) {
    if (typeof value === 'string') fields[key] = value;
  }
  return fields;
}
