import type { Ev } from '../model';
import { linkEvents } from './identity-keys';

/** FNV-1a over the UTF-16 code units: cheap and stable, enough to spread people over parts. */
function hash(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/**
 * Divides a batch's events into at most `parts` groups that can be written by concurrent
 * transactions without waiting on each other's visitor locks: events linked by an id (one
 * person, as far as this batch shows) stay together, and a person goes to the part its smallest
 * id hashes to. Events with no id (bots, opted out) are dealt round the parts. Empty parts are
 * left out; the order of events within a part is their order in the batch.
 */
export function splitByPerson(evs: Ev[], parts: number): Ev[][] {
  if (parts <= 1 || evs.length === 0) return [evs];
  const { union, firstIds: firstKey } = linkEvents(evs);
  const out: Ev[][] = Array.from({ length: parts }, () => []);
  const partOfRoot = new Map<string, number>();
  let dealt = 0;
  evs.forEach((ev, i) => {
    const k = firstKey[i];
    let p: number;
    if (k === undefined) p = dealt++ % parts;
    else {
      // The root of a component is its smallest id (KeyUnion keeps the smaller one as root).
      const root = union.find(k);
      let cached = partOfRoot.get(root);
      if (cached === undefined) {
        cached = hash(root) % parts;
        partOfRoot.set(root, cached);
      }
      p = cached;
    }
    (out[p] as Ev[]).push(ev);
  });
  return out.filter((p) => p.length > 0);
}
