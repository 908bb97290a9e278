import { createHash } from 'node:crypto';

/** Namespace of the ingester's name-based (v5) ids. */
export const RT_NAMESPACE = '1d6c9f5e-8a4b-4f0e-9d8e-5b7c3a2f1e60';

/** RFC 9562 UUID version 5: the same name always gives the same id. */
const nsBytes = (namespace: string) => Buffer.from(namespace.replaceAll('-', ''), 'hex');
const RT_NAMESPACE_BYTES = nsBytes(RT_NAMESPACE);

export function uuidv5(name: string, namespace = RT_NAMESPACE): string {
  const ns = namespace === RT_NAMESPACE ? RT_NAMESPACE_BYTES : nsBytes(namespace);
  const h = createHash('sha1').update(ns).update(name, 'utf8').digest();
  h[6] = ((h[6] as number) & 0x0f) | 0x50;
  h[8] = ((h[8] as number) & 0x3f) | 0x80;
  const x = h.subarray(0, 16).toString('hex');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}
