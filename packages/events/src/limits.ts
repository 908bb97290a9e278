/** Documented limits (docs/api.md); strings longer than these are cut, not rejected. */
export const LIMITS = {
  itemsPerEvent: 50,
  eventsPerBatch: 100,
  bodyBytes: 64 * 1024,
  url: 2048,
  itemId: 128,
  itemName: 256,
  category: 128,
  transactionId: 128,
  siteId: 63,
  maxFutureMs: 24 * 60 * 60 * 1000,
  maxPastMs: 30 * 24 * 60 * 60 * 1000,
} as const;
