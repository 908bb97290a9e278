import type { Db } from '@rt/db';
import { sql } from 'kysely';
import { daysOf, type Period } from './period';

export interface SlotDay {
  slot: string;
  day: string;
  ads: number;
  impressions: number;
  clicks: number;
  ctr: number | null;
}

export interface PartnerReport {
  partner: { id: string; name: string };
  period: Period;
  /** Per slot, with a row for every day of the period. */
  slots: Array<{ slot: string; impressions: number; clicks: number; ctr: number | null; days: SlotDay[] }>;
  totals: { impressions: number; clicks: number; ctr: number | null };
}

const ctr = (clicks: number, impressions: number) =>
  impressions ? Math.round((clicks / impressions) * 10_000) / 10_000 : null;

/** Impressions, clicks and CTR per slot and day from analytics.ad_slots_daily (docs/console.md). */
export async function partnerReport(db: Db, partner: { id: string; name: string }, p: Period): Promise<PartnerReport> {
  const { rows } = await sql<{ slot: string; day: string; ads: string; impressions: string; clicks: string }>`
    select slot, to_char(day, 'YYYY-MM-DD') as day, ads, impressions, clicks from analytics.ad_slots_daily
    where partner_id = ${partner.id} and day between ${p.from}::date and ${p.to}::date
    order by slot, day`.execute(db);
  const days = daysOf(p);
  const bySlot = new Map<string, Map<string, (typeof rows)[number]>>();
  for (const r of rows) {
    if (!bySlot.has(r.slot)) bySlot.set(r.slot, new Map());
    bySlot.get(r.slot)!.set(r.day, r);
  }
  const slots = [...bySlot].map(([slot, map]) => {
    const perDay = days.map((day) => {
      const r = map.get(day);
      const impressions = Number(r?.impressions ?? 0);
      const clicks = Number(r?.clicks ?? 0);
      return { slot, day, ads: Number(r?.ads ?? 0), impressions, clicks, ctr: ctr(clicks, impressions) };
    });
    const impressions = perDay.reduce((s, d) => s + d.impressions, 0);
    const clicks = perDay.reduce((s, d) => s + d.clicks, 0);
    return { slot, impressions, clicks, ctr: ctr(clicks, impressions), days: perDay };
  });
  const impressions = slots.reduce((s, x) => s + x.impressions, 0);
  const clicks = slots.reduce((s, x) => s + x.clicks, 0);
  return { partner, period: p, slots, totals: { impressions, clicks, ctr: ctr(clicks, impressions) } };
}
