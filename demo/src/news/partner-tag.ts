import { type Html, html } from '../common/html';

export const NEWS_PARTNER_ID = 'demo-news';

export interface AdSlot {
  name: string;
  /** `WIDTHxHEIGHT` in CSS pixels. */
  size: `${number}x${number}`;
}

export const leaderboard: AdSlot = { name: 'leaderboard', size: '728x90' };
export const sidebar: AdSlot = { name: 'sidebar', size: '300x250' };

/**
 * The partner tag exactly as a publisher pastes it (docs/ads.md). ad.js puts an iframe of the
 * ads service where the script stands, so the page never learns what the visitor shopped for.
 * A publisher with logged-in readers passes the SHA-256 of the normalized email, so the ad can
 * recognize a reader who logged in at the shop with the same address even without cookies.
 */
export function partnerTag(adsUrl: string, slot: AdSlot, emailSha256?: string): Html {
  const [width, height] = slot.size.split('x');
  const hash = emailSha256 ? html` data-email-sha256="${emailSha256}"` : '';
  return html`<div class="ad-slot"><span class="ad-label">Advertisement</span>
<div class="ad ad-${slot.name}" style="width:${width}px;height:${height}px">
<script async src="${adsUrl}/ad.js" data-partner="${NEWS_PARTNER_ID}" data-slot="${slot.name}" data-size="${slot.size}"${hash}></script>
</div></div>`;
}
