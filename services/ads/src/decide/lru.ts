/**
 * Entries in least-recently-used order, at most `max` of them (the least recently used go
 * first). `onDrop` hears every entry removed one by one (replaced, deleted, evicted), so an index
 * kept beside the entries stays true; `clear` drops everything without calling it.
 */
export class Lru<E> {
  private readonly map = new Map<string, E>();

  constructor(
    private readonly max: number,
    private readonly onDrop: (key: string, entry: E) => void = () => {},
  ) {}

  get size(): number {
    return this.map.size;
  }

  has(key: string): boolean {
    return this.map.has(key);
  }

  /** The entry, without marking it used. */
  peek(key: string): E | undefined {
    return this.map.get(key);
  }

  /** The entry, marked most recently used. */
  use(key: string): E | undefined {
    const entry = this.map.get(key);
    if (entry === undefined) return undefined;
    this.map.delete(key);
    this.map.set(key, entry);
    return entry;
  }

  /** Stores `entry` as the most recently used, replacing the key's old one; evicts past `max`. */
  set(key: string, entry: E): void {
    this.delete(key);
    this.map.set(key, entry);
    if (this.map.size > this.max) this.delete(this.map.keys().next().value as string);
  }

  delete(key: string): void {
    const entry = this.map.get(key);
    if (entry === undefined) return;
    this.map.delete(key);
    this.onDrop(key, entry);
  }

  clear(): void {
    this.map.clear();
  }
}
