import { randomUUID } from 'node:crypto';
import type { Db } from '@rt/db';

/**
 * One impression row written directly, as no production writer does (the ads service announces
 * each impression it records): for tests of what reads impressions. Returns its ad id.
 */
export async function insertImpression(
  db: Db,
  i: { visitorId: string; product: string; shownAt: Date; adId?: string; site?: string },
): Promise<string> {
  const adId = i.adId ?? `ad_${randomUUID()}`;
  await db
    .insertInto('impressions')
    .values({
      ad_id: adId,
      position: 0,
      partner_id: 'news',
      slot: 's',
      site_id: i.site ?? 'shop',
      product_id: i.product,
      visitor_id: i.visitorId,
      reason: 'viewed',
      shown_at: i.shownAt,
    })
    .execute();
  return adId;
}
