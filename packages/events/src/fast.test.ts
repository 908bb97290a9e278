import { describe, expect, it } from 'vitest';
import { fastEvent } from './fast';
import { incomingEventSchema } from './schema';
import { randomEvent } from './testing/random-event';

describe('fastEvent', () => {
  it('gives the schema output, or defers to it, on 20,000 random events', () => {
    let fast = 0;
    for (let n = 0; n < 20_000; n++) {
      const raw = randomEvent();
      const got = fastEvent(raw);
      if (got === undefined) continue;
      fast++;
      const ref = incomingEventSchema.safeParse(raw);
      expect(ref.success, JSON.stringify(raw)).toBe(true);
      expect(got, JSON.stringify(raw)).toEqual(ref.data);
      expect(JSON.stringify(got)).toBe(JSON.stringify(ref.data));
    }
    // The fast path must actually take a good share of these (mostly odd) events.
    expect(fast).toBeGreaterThan(500);
  });

  it('takes a typical GIF or tag event and defers on anything the schema refuses', () => {
    const raw = {
      type: 'view_item',
      url: 'https://shop.example/p/1',
      items: [{ id: 'SKU-1', name: 'Switch', price: '299.99', currency: 'eur' }],
      value: '299.99',
      currency: 'EUR',
      fp: 'abcdefghijklmnop1234',
    };
    expect(fastEvent(raw)).toEqual(incomingEventSchema.parse(raw));
    expect(fastEvent({ ...raw, value: -1 })).toBeUndefined();
    expect(fastEvent({ type: 'purchase' })).toBeUndefined();
    expect(fastEvent({ type: 'identify' })).toBeUndefined();
  });
});
