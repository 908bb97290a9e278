import { createHash } from 'node:crypto';
import { Hono } from 'hono';
import { SIZES } from '../creative/sizes';
import { type Deps, publicAdsUrl } from '../deps';

/**
 * The partner tag. It only builds an iframe of the creative next to its own script element, so
 * the partner page never learns which products the visitor is shown. Kept in ES5 for any page.
 */
export function tagSource(adsUrl: string): string {
  const sizes = JSON.stringify(Object.fromEntries(Object.entries(SIZES).map(([k, s]) => [k, [s.width, s.height]])));
  return `(function(){try{
var base=${JSON.stringify(adsUrl)},sizes=${sizes};
function place(s){if(!s||s.getAttribute('data-rt-done'))return;s.setAttribute('data-rt-done','1');
var d=s.dataset||{},size=sizes[d.size]?d.size:'300x250',wh=sizes[size];
var q='partner='+encodeURIComponent(d.partner||'')+'&slot='+encodeURIComponent(d.slot||'default')+'&size='+size+'&format=html';
if(d.emailSha256&&/^[0-9a-fA-F]{64}$/.test(d.emailSha256))q+='&email_sha256='+d.emailSha256.toLowerCase();
if(d.n&&/^[0-9]{1,2}$/.test(d.n))q+='&n='+d.n;
var f=document.createElement('iframe');f.src=base+'/v1/ad?'+q;f.width=wh[0];f.height=wh[1];
f.title='Advertisement';f.setAttribute('scrolling','no');f.setAttribute('frameborder','0');
f.style.border='0';f.style.overflow='hidden';f.setAttribute('loading','lazy');
s.parentNode.insertBefore(f,s.nextSibling);}
place(document.currentScript);
var all=document.querySelectorAll('script[data-partner]');
for(var i=0;i<all.length;i++){if(/\\/ad\\.js(\\?|$)/.test(all[i].src||''))place(all[i]);}
}catch(e){}})();
`;
}

export function tagRoutes(deps: Deps): Hono {
  const app = new Hono();
  const body = tagSource(publicAdsUrl(deps.config));
  const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 16)}"`;
  app.get('/ad.js', (c) => {
    c.header('etag', etag);
    c.header('cache-control', 'public, max-age=3600');
    if (c.req.header('if-none-match') === etag) return c.body(null, 304);
    return c.body(body, 200, { 'content-type': 'application/javascript; charset=utf-8' });
  });
  return app;
}
