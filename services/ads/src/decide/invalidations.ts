/** Per-visitor bookkeeping of recent invalidations, bounded; past it, in-flight loads are refused. */
const MAX_TRACKED = 100_000;

/**
 * Which loads an announcement overtook. A load that read the old rows but whose result arrives
 * after the announcement of a change must not be cached: every invalidation is numbered and
 * recorded per visitor, and a load that began (`begin`) before an invalidation of any of its
 * visitors is `overtaken`.
 */
export class Invalidations {
  private epoch = 0;
  private at = new Map<string, number>();
  /** Loads that began before this epoch are always overtaken. */
  private floor = 0;

  /** Call before loading; pass the result to `overtaken` with the loaded visitors. */
  begin(): number {
    return this.epoch;
  }

  record(visitorIds: Iterable<string>): void {
    const epoch = this.epoch++;
    for (const id of visitorIds) this.at.set(id, epoch);
    if (this.at.size > MAX_TRACKED) this.reset();
  }

  overtaken(visitorIds: Iterable<string>, began: number): boolean {
    if (began < this.floor) return true;
    for (const id of visitorIds) if ((this.at.get(id) ?? -1) >= began) return true;
    return false;
  }

  /** Every load under way is overtaken (the cache was cleared). */
  reset(): void {
    this.at.clear();
    this.floor = ++this.epoch;
  }
}
