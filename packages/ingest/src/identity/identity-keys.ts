import type { IdentityKind } from '@rt/events';
import type { Ev, IdentityKey } from '../model';

export const idKey = (k: IdentityKind, v: string): string => `${k}\u0000${v}`;

const key = (kind: IdentityKind, value: string): IdentityKey => ({ kind, value, id: idKey(kind, value) });

/**
 * The identities an event carries, strongest first. `rt_fp` is first-party, so it only means
 * something within its site: its value is stored as `<site>:<fp>`. Computed once per event
 * (a batch links its events twice: to split it, then in each part).
 */
export function identityKeysOf(ev: Ev): IdentityKey[] {
  if (ev.keys) return ev.keys;
  const e = ev.e;
  const keys: IdentityKey[] = [];
  if (!e.is_bot && e.cookie_state !== 'optout') {
    if (e.vid) keys.push(key('rt_vid', e.vid));
    if (e.email_sha256) keys.push(key('email_sha256', e.email_sha256));
    if (e.fp) keys.push(key('rt_fp', `${e.site}:${e.fp}`));
  }
  ev.keys = keys;
  return keys;
}

/** Union-find over identity keys: ids seen on one event belong to one visitor. */
export class KeyUnion {
  private readonly parent = new Map<string, string>();

  add(k: string): void {
    if (!this.parent.has(k)) this.parent.set(k, k);
  }

  find(k: string): string {
    let root = k;
    while (this.parent.get(root) !== root) root = this.parent.get(root) as string;
    for (let n = k; n !== root; ) {
      const next = this.parent.get(n) as string;
      this.parent.set(n, root);
      n = next;
    }
    return root;
  }

  union(a: string, b: string): void {
    const ra = this.find(a);
    const rb = this.find(b);
    if (ra !== rb) this.parent.set(ra < rb ? rb : ra, ra < rb ? ra : rb);
  }

  keys(): IterableIterator<string> {
    return this.parent.keys();
  }
}

/**
 * Joins the ids each event carries (ids seen together are one person, as far as these events
 * show). Returns the union and, per event, its first id (undefined for an event with none: bots,
 * opted out); `onKey` sees every id with its key once per event that carries it.
 */
export function linkEvents(
  evs: Ev[],
  onKey?: (id: string, key: IdentityKey) => void,
): { union: KeyUnion; firstIds: Array<string | undefined> } {
  const union = new KeyUnion();
  const firstIds = new Array<string | undefined>(evs.length);
  evs.forEach((ev, i) => {
    const keys = identityKeysOf(ev);
    for (const k of keys) {
      const id = k.id;
      onKey?.(id, k);
      union.add(id);
      if (firstIds[i] === undefined) firstIds[i] = id;
      else union.union(firstIds[i] as string, id);
    }
  });
  return { union, firstIds };
}
