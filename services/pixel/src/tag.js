/* Retargeting merchant tag (docs/pixel.md). rt('track', type, props) | rt('identify', {email}) |
   rt('logout') | rt('consent', {tracking}) | rt('flush'); with data-datalayer="ga4", GA4 pushes. Hand-written, no build step; it must never
   throw into the host page, so every entry point is wrapped. */
((w, d) => {
  try {
    const me = d.currentScript || d.querySelector('script[data-site][src*="/tag.js"]');
    const site = me?.getAttribute('data-site');
    if (!site || w.rt?.loaded) return;
    const endpoint = `${new URL(me.src).origin}/v1/events`;
    const QKEY = `rt_q_${site}`;
    const MAX_QUEUE = 500;
    const MAX_BATCH = 50;
    const MAX_BYTES = 60000;
    const YEAR = 34128000;
    const mem = {};
    let ls = null;
    try {
      ls = w.localStorage;
      ls.getItem('rt_ck');
    } catch (_) {
      ls = null; // storage blocked: keep the queue in memory for this page
    }
    const get = (k) => {
      try {
        return ls ? ls.getItem(k) : (mem[k] ?? null);
      } catch (_) {
        return null;
      }
    };
    const put = (k, v) => {
      try {
        if (!ls) mem[k] = v;
        else if (v === null) ls.removeItem(k);
        else ls.setItem(k, v);
      } catch (_) {
        // quota exceeded: the queue simply stays shorter
      }
    };
    // The queue is re-read before every change: tabs of the same shop share it.
    const load = () => {
      try {
        const q = JSON.parse(get(QKEY));
        return Array.isArray(q) ? q : [];
      } catch (_) {
        return [];
      }
    };
    const update = (fn) => {
      const q = fn(load());
      put(QKEY, q.length ? JSON.stringify(q.slice(-MAX_QUEUE)) : null);
      return q;
    };
    const hex = (bytes) => Array.from(bytes, (b) => (b + 256).toString(16).slice(1)).join('');
    const uuid = () => {
      if (crypto.randomUUID) return crypto.randomUUID();
      const b = crypto.getRandomValues(new Uint8Array(16));
      b[6] = (b[6] & 15) | 64;
      b[8] = (b[8] & 63) | 128;
      const h = hex(b);
      return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
    };
    const sha256 = async (s) => hex(new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(s))));

    // First-party id on the shop's own domain: stitches events into sessions when rt_vid is blocked.
    const fpCookie = (v, age) => {
      const secure = location.protocol === 'https:' ? '; Secure' : '';
      d.cookie = `rt_fp=${v}; Path=/; Max-Age=${age}; SameSite=Lax${secure}`;
    };
    let denied = get('rt_consent') === '0';
    let fp = (d.cookie.match(/(?:^|;\s*)rt_fp=([\w-]{16,64})/) || [])[1];
    const ensureFp = () => {
      if (denied) return;
      fp = fp || uuid().replace(/-/g, '');
      fpCookie(fp, YEAR);
    };
    ensureFp();

    let timer = 0;
    let inflight = false;
    let failures = 0;
    const schedule = (ms) => {
      if (!timer && !inflight) timer = setTimeout(send, ms);
    };
    const size = (s) => new TextEncoder().encode(s).length;
    const body = (events) => JSON.stringify({ site, events });
    const take = () => {
      const q = load();
      let n = Math.min(q.length, MAX_BATCH);
      while (n > 1 && size(body(q.slice(0, n))) > MAX_BYTES) n >>= 1;
      return q.slice(0, n);
    };
    const drop = (batch) => {
      const ids = new Set(batch.map((e) => e.event_id));
      update((q) => q.filter((e) => !ids.has(e.event_id)));
    };
    // ck=1 tells the pixel this browser was already given rt_vid: arriving without it means "blocked".
    const url = () => endpoint + (get('rt_ck') ? '?ck=1' : '');
    // First contact: an empty batch, sent at once, gets rt_vid offered and its answer read, so even
    // events that leave by sendBeacon (whose answers are never seen) can say ck=1 from then on.
    let hello = Promise.resolve();
    if (!get('rt_ck') && !denied) {
      try {
        hello = fetch(endpoint, { method: 'POST', body: body([]), credentials: 'include', keepalive: true })
          .then((r) => r.ok && put('rt_ck', '1'))
          .catch(() => {});
      } catch (_) {}
    }

    function send() {
      clearTimeout(timer);
      timer = 0;
      if (inflight || denied) return;
      const batch = take();
      if (!batch.length) return;
      inflight = true;
      // After the first contact's answer: its ck=1, and one rt_vid offered rather than two at once.
      hello
        .then(() => fetch(url(), { method: 'POST', body: body(batch), credentials: 'include', keepalive: true }))
        .then((r) => {
          // 5xx, 408 and 429 are worth retrying; other refusals would be refused again.
          if (r.status >= 500 || r.status === 408 || r.status === 429) throw new Error(String(r.status));
          if (r.ok) put('rt_ck', '1');
          drop(batch);
          failures = 0;
        })
        .catch(() => {
          failures++;
        })
        .then(() => {
          inflight = false;
          if (load().length) schedule(failures ? Math.min(60000, 1000 * 2 ** failures * (0.5 + Math.random())) : 0);
        });
    }

    // On page hide the browser delivers what is left, even as the page goes away.
    const beacon = () => {
      if (denied || !navigator.sendBeacon) return;
      for (let batch = take(); batch.length; batch = take()) {
        if (!navigator.sendBeacon(url(), body(batch))) return;
        drop(batch);
      }
    };
    d.addEventListener('visibilitychange', () => d.visibilityState === 'hidden' && beacon());
    w.addEventListener('pagehide', beacon);

    const FIELDS = ['items', 'value', 'currency', 'transaction_id'];
    const track = (type, props) => {
      if (denied) return;
      // An event_id given by the page (one its backend also sends) makes the two one event.
      const e = {
        event_id: props?.event_id || uuid(),
        type: String(type),
        ts: new Date().toISOString(),
        url: location.href,
      };
      if (d.referrer) e.ref = d.referrer;
      if (fp) e.fp = fp;
      const em = get('rt_em');
      if (em) e.email_sha256 = em;
      for (const k of FIELDS) if (props && props[k] != null) e[k] = props[k];
      const copy = JSON.parse(JSON.stringify(e)); // drops what cannot travel; throws on cycles
      update((q) => q.concat(copy));
      schedule(1000);
    };

    const commands = {
      track,
      async identify(arg) {
        const email = arg?.email;
        // No Web Crypto (insecure context): nothing is sent rather than the raw email.
        if (denied || typeof email !== 'string' || !crypto.subtle) return;
        put('rt_em', await sha256(email.trim().toLowerCase()));
        track('identify');
      },
      logout() {
        track('logout');
        put('rt_em', null);
      },
      consent(arg) {
        const no = (v) => v === false || v === 'denied';
        denied = !!arg && (no(arg.tracking) || no(arg.analytics) || no(arg.ads));
        put('rt_consent', denied ? '0' : null);
        if (!denied) return ensureFp();
        // Withdrawn: forget the queue, the first-party id and the login hash.
        put(QKEY, null);
        put('rt_em', null);
        fpCookie('', 0);
        fp = undefined;
      },
      flush: send,
    };

    // Calls run in order, even across the asynchronous hashing of identify.
    let chain = Promise.resolve();
    const run = (args) => {
      const fn = Object.hasOwn(commands, args[0]) ? commands[args[0]] : null;
      chain = chain.then(() => fn?.apply(null, Array.prototype.slice.call(args, 1))).catch(() => {});
    };
    const early = w.rt?.q || [];
    const rt = (...args) => {
      try {
        run(args);
      } catch (_) {}
    };
    rt.loaded = true;
    // The snippet pushes onto rt.q; a copy of it kept by the page still reaches the tag.
    rt.q = { push: (args) => rt(...args) };
    w.rt = rt;
    for (const args of Array.from(early)) run(args);
    if (load().length) schedule(1000);

    // data-datalayer="ga4": the page's GA4 e-commerce pushes, dataLayer.push({event, ecommerce})
    // and gtag('event', name, params) (which pushes its arguments), before and after this loaded.
    if (me.getAttribute('data-datalayer') === 'ga4') w.dataLayer = w.dataLayer || [];
    const dl = w.dataLayer;
    if (me.getAttribute('data-datalayer') === 'ga4' && Array.isArray(dl)) {
      const GA = 'view_item view_item_list add_to_cart remove_from_cart view_cart begin_checkout purchase';
      const seen = new WeakSet(); // the same push seen again (replayed, or still in the array) counts once
      const ga = (a) => {
        const [name, p] = a?.[0] === 'event' ? [a[1], a[2]] : [a?.event, a?.ecommerce];
        if (!GA.split(' ').includes(name) || !p || typeof p !== 'object' || seen.has(a)) return;
        seen.add(a);
        const items = (Array.isArray(p.items) ? p.items : [])
          .filter((i) => i?.item_id != null)
          .slice(0, 50)
          .map((i) => ({
            id: i.item_id,
            name: i.item_name,
            price: i.price,
            quantity: i.quantity,
            category: i.item_category,
          }));
        rt('track', name, { items, value: p.value, currency: p.currency, transaction_id: p.transaction_id });
      };
      for (const a of dl.slice()) ga(a);
      const push = dl.push;
      // Other listeners (GTM) wrap push too: the page's push still runs first and its result returns.
      dl.push = function (...args) {
        const r = push.apply(this, args);
        try {
          args.forEach(ga);
        } catch (_) {}
        return r;
      };
    }
  } catch (_) {
    // never into the host page
  }
})(window, document);
