import { z } from 'zod';
import { LIMITS } from './limits';
import { pgSafe } from './text';
import { EVENT_TYPES } from './vocabulary';

export const currencies = new Set(Intl.supportedValuesOf('currency'));

const text = (max: number) =>
  z
    .string()
    .transform((s) => pgSafe(s).trim().slice(0, max))
    .transform((s) => (s === '' ? undefined : s));

const httpUrl = z
  .string()
  .transform((s) => pgSafe(s).trim().slice(0, LIMITS.url))
  .refine((s) => s === '' || /^https?:\/\//i.test(s), 'must be an http(s) URL')
  .transform((s) => (s === '' ? undefined : s));

const amount = z.coerce
  .number()
  .refine(Number.isFinite, 'must be a finite number')
  .refine((n) => n >= 0, 'must not be negative')
  .refine((n) => n < 1e12, 'is too large');

export const currency = z
  .string()
  .transform((s) => s.trim().toUpperCase())
  .refine((s) => currencies.has(s), 'must be an ISO-4217 currency code');

export const itemSchema = z.object({
  id: z.coerce
    .string()
    .transform((s) => pgSafe(s).trim())
    .refine((s) => s.length > 0, 'is required')
    .refine((s) => s.length <= LIMITS.itemId, `is longer than ${LIMITS.itemId} characters`),
  name: text(LIMITS.itemName).optional(),
  price: amount.optional(),
  currency: currency.optional(),
  quantity: z.coerce.number().int('must be a whole number').min(0).max(10_000).optional(),
  url: httpUrl.optional(),
  image: httpUrl.optional(),
  category: text(LIMITS.category).optional(),
});

const timestamp = z.union([
  z.number().refine(Number.isFinite),
  z.string().refine((s) => !Number.isNaN(Date.parse(s)) || /^\d{10,13}$/.test(s), 'must be an ISO-8601 time'),
]);

/** What a client may send for one event; unknown keys are dropped. */
export const incomingEventSchema = z
  .object({
    event_id: z.string().uuid('must be a UUID').optional(),
    type: z.enum(EVENT_TYPES, { message: `must be one of ${EVENT_TYPES.join(', ')}` }),
    ts: timestamp.optional(),
    url: httpUrl.optional(),
    ref: httpUrl.optional(),
    items: z.array(itemSchema).max(LIMITS.itemsPerEvent, `at most ${LIMITS.itemsPerEvent} items`).optional(),
    value: amount.optional(),
    currency: currency.optional(),
    transaction_id: text(LIMITS.transactionId).optional(),
    email_sha256: z
      .string()
      .regex(/^[0-9a-f]{64}$/i, 'must be a hex SHA-256')
      .transform((s) => s.toLowerCase())
      .optional(),
    fp: z
      .string()
      .regex(/^[A-Za-z0-9_-]{16,64}$/, 'must be a first-party id')
      .optional(),
  })
  .superRefine((e, ctx) => {
    if (e.type === 'purchase' && !e.transaction_id) {
      ctx.addIssue({ code: 'custom', path: ['transaction_id'], message: 'is required for purchase' });
    }
    if (e.type === 'identify' && !e.email_sha256) {
      ctx.addIssue({ code: 'custom', path: ['email_sha256'], message: 'is required for identify' });
    }
  });

export type IncomingEvent = z.infer<typeof incomingEventSchema>;
export type EventItemInput = z.infer<typeof itemSchema>;
