import { describe, expect, it } from 'vitest';
import { parseIngestJob } from './ingest-job';
import { ingestJobSchema } from './jobs';

const event = (i: number) => ({
  site: 'shop',
  event_id: `0b7a6f3e-2c1d-4e5f-8a9b-${String(i).padStart(12, '0')}`,
  type: 'view_item',
  ts: '2026-11-22T03:00:00.000Z',
  ts_corrected: false,
  received_at: '2026-11-22T03:00:01.000Z',
  url: 'https://shop.example/p/1',
  ref: 'https://search.example/',
  items: [
    {
      id: 'p1',
      name: 'Lamp',
      price: 19.5,
      currency: 'EUR',
      quantity: 1,
      url: 'https://x/1',
      image: 'https://x/1.jpg',
      category: 'home',
    },
  ],
  value: 19.5,
  currency: 'EUR',
  transaction_id: 'T1',
  email_sha256: 'a'.repeat(64),
  fp: 'abcdefghijklmnop',
  vid: 'v1',
  cookie_state: 'present',
  is_bot: false,
  extra_field: { kept: true },
});
const rejected = () => ({
  site: null,
  source: 'post',
  reason: 'bad json',
  payload: '{',
  received_at: '2026-11-22T03:00:00Z',
});
const job = () => ({ v: 1, events: [event(1), { ...event(2), items: undefined, vid: null }], rejected: [rejected()] });

const WRONG: unknown[] = [
  undefined,
  null,
  0,
  1,
  -1,
  Number.NaN,
  Number.POSITIVE_INFINITY,
  '',
  'x',
  'present',
  true,
  false,
  [],
  {},
  [{}],
];

/** Every job obtained by changing, removing or adding one field anywhere in job(). */
function* mutations(): Generator<unknown> {
  function* walk(value: unknown, set: (v: unknown) => unknown): Generator<unknown> {
    for (const w of WRONG) yield set(w);
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) yield* walk(value[i], (v) => set(value.map((x, j) => (j === i ? v : x))));
      yield set([...value, 'extra']);
    } else if (typeof value === 'object' && value !== null) {
      const obj = value as Record<string, unknown>;
      for (const k of Object.keys(obj)) {
        yield* walk(obj[k], (v) => set({ ...obj, [k]: v }));
        const { [k]: _, ...without } = obj;
        yield set(without);
      }
      yield set({ ...obj, unknown_key: 'x' });
    }
  }
  yield* walk(job(), (v) => v);
}

describe('parseIngestJob', () => {
  it('returns a plain job itself, as the schema would accept it', () => {
    const j = JSON.parse(JSON.stringify(job()));
    const r = parseIngestJob(j);
    expect(r.success).toBe(true);
    expect(r.success && r.data).toBe(j);
    expect(j).toEqual(ingestJobSchema.parse(j));
  });

  it('decides exactly as ingestJobSchema on every one-field change of a job', () => {
    let n = 0;
    for (const m of mutations()) {
      const data = m === undefined ? m : JSON.parse(JSON.stringify(m));
      const fast = parseIngestJob(data);
      const zod = ingestJobSchema.safeParse(data);
      expect({ n, ok: fast.success }).toEqual({ n, ok: zod.success });
      if (fast.success && zod.success) expect(fast.data).toEqual(zod.data);
      else if (!fast.success && !zod.success) expect(fast.error.issues).toEqual(zod.error.issues);
      n++;
    }
    expect(n).toBeGreaterThan(900);
  });

  it('checks values that JSON cannot carry but a job object can', () => {
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY]) {
      const j = job();
      (j.events[0] as { value: number }).value = bad;
      expect(parseIngestJob(j).success).toBe(false);
      (j.events[0] as { value: number }).value = 1;
      (j.events[0]?.items?.[0] as { price: number }).price = bad;
      expect(parseIngestJob(j).success).toBe(false);
    }
    expect(parseIngestJob(job()).success).toBe(true);
  });

  it('fills in a missing rejected list as the schema does', () => {
    const r = parseIngestJob({ v: 1, events: [event(3)] });
    expect(r.success && r.data.rejected).toEqual([]);
  });
});
