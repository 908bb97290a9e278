import type { EventType } from '@rt/events';
import { type Html, html, raw, scriptJson } from '../common/html';

/** The events the shop sends (docs/api.md); it identifies visitors through rt('identify'). */
export type TrackType = Exclude<EventType, 'identify' | 'logout'>;

/** One product in an event, as docs/api.md describes it. */
export interface TagItem {
  id: string;
  name: string;
  price: number;
  currency: string;
  quantity?: number;
  url: string;
  image: string;
  category?: string;
}

export interface TrackProps {
  items?: TagItem[];
  value?: number;
  currency?: string;
  transaction_id?: string;
}

/** A call to the merchant tag's `rt()` function, rendered into the page. */
export type RtCall =
  | { fn: 'track'; type: TrackType; props?: TrackProps }
  | { fn: 'identify'; email: string }
  | { fn: 'logout' };

export const track = (type: TrackType, props?: TrackProps): RtCall => ({ fn: 'track', type, props });

function renderCall(call: RtCall): string {
  switch (call.fn) {
    case 'track':
      if (!/^[a-z_]+$/.test(call.type)) throw new Error(`not an event type: ${call.type}`);
      return call.props ? `rt('track','${call.type}',${scriptJson(call.props)});` : `rt('track','${call.type}');`;
    case 'identify':
      return `rt('identify',${scriptJson({ email: call.email })});`;
    case 'logout':
      return `rt('logout');`;
  }
}

/**
 * The merchant tag exactly as a merchant pastes it (docs/api.md): the async loader, the
 * queueing stub so calls made before tag.js arrives are replayed, this page's calls, and the
 * no-script pixel. Goes at the top of <body> (an <img> is not allowed in <head>).
 */
export function merchantTag(opts: { pixelUrl: string; site: string; calls: RtCall[] }): Html {
  const calls = raw(opts.calls.map(renderCall).join('\n'));
  return html`<script async src="${opts.pixelUrl}/tag.js" data-site="${opts.site}"></script>
<script>window.rt=window.rt||function(){(rt.q=rt.q||[]).push(arguments)};
${calls}</script>
<noscript><img src="${opts.pixelUrl}/p.gif?site=${opts.site}&type=page_view" alt=""></noscript>`;
}
