import type { Decision } from './decide/decide';
import type { Reason } from './decide/model';
import { SIGNED_TTL_S, signQuery } from './signing';
import { sealVisitor } from './visitor-token';

export interface AdContext {
  partner: string;
  slot: string;
}

export interface SignedUrls {
  impressionUrl: string;
  clickUrls: string[];
}

/** The products of an impression URL: [site, product, reason] per position. */
export type ImpressionItems = [string, string, Reason][];

export function encodeItems(items: ImpressionItems): string {
  return Buffer.from(JSON.stringify(items)).toString('base64url');
}

/**
 * Signed impression and click URLs carrying everything needed to record them later, so a
 * decision writes nothing. See docs/ads.md for the fields and lifetimes.
 */
export function signedUrls(
  base: string,
  secret: string,
  decision: Decision,
  ctx: AdContext,
  nowMs: number,
): SignedUrls {
  const now = Math.floor(nowMs / 1000);
  // One fresh token per ad: its URLs share the ad id anyway, and no two ads share a token, so
  // nothing the partner reads links two ads of one visitor. Sealing is the costliest step here.
  const common = {
    ad: decision.adId,
    partner: ctx.partner,
    slot: ctx.slot,
    visitor: sealVisitor(secret, decision.visitorId ?? ''),
  };
  const items: ImpressionItems = decision.products.map((p) => [p.site, p.id, p.reason]);
  const impressionUrl = `${base}/v1/impression?${signQuery(secret, 'impression', {
    ...common,
    items: encodeItems(items),
    exp: String(now + SIGNED_TTL_S.impression),
  })}`;
  const clickUrls = decision.products.map(
    (p, pos) =>
      `${base}/v1/click?${signQuery(secret, 'click', {
        ...common,
        site: p.site,
        product: p.id,
        pos: String(pos),
        reason: p.reason,
        exp: String(now + SIGNED_TTL_S.click),
      })}`,
  );
  return { impressionUrl, clickUrls };
}
