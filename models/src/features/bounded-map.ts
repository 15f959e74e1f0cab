/**
 * A Map bounded by size with approximate least-recently-used eviction. Reordering a JavaScript Map on every access
 * (delete + set) costs more than the feature math itself, so entries carry an access stamp instead, and when the map
 * overflows the oldest eighth is evicted in one pass: amortized O(log n) per insert, nothing per read.
 */
export class BoundedMap<K, V> {
  private readonly map = new Map<K, { v: V; t: number }>();
  private clock = 0;
  evictions = 0;

  constructor(private readonly capacity: number) {}

  get size(): number {
    return this.map.size;
  }

  get(key: K): V | undefined {
    const e = this.map.get(key);
    if (e === undefined) return undefined;
    e.t = ++this.clock;
    return e.v;
  }

  peek(key: K): V | undefined {
    return this.map.get(key)?.v;
  }

  set(key: K, value: V): void {
    const e = this.map.get(key);
    if (e !== undefined) {
      e.v = value;
      e.t = ++this.clock;
      return;
    }
    this.map.set(key, { v: value, t: ++this.clock });
    if (this.map.size > this.capacity) this.evictOldest();
  }

  delete(key: K): boolean {
    return this.map.delete(key);
  }

  *entries(): IterableIterator<[K, V]> {
    for (const [k, e] of this.map) yield [k, e.v];
  }

  private evictOldest(): void {
    const stamps = Array.from(this.map.values(), (e) => e.t).sort((a, b) => a - b);
    const drop = this.map.size - this.capacity + Math.max(1, this.capacity >> 3);
    const cut = stamps[Math.min(drop, stamps.length) - 1];
    for (const [k, e] of this.map) {
      if (e.t <= cut) {
        this.map.delete(k);
        this.evictions++;
      }
    }
  }
}

/**
 * Remembers when each key was last seen, bounded; answers "first seen?" and "how many distinct since T?". Updating an
 * existing key in place keeps the hot path to one Map lookup.
 */
export class RecencySet {
  private readonly seen = new Map<string, number>();

  constructor(private readonly capacity: number) {}

  /** Records key at time ts; true when the key is new (never seen, or forgotten because the set overflowed). */
  touch(key: string, ts: number): boolean {
    const isNew = !this.seen.has(key);
    this.seen.set(key, ts);
    if (isNew && this.seen.size > this.capacity) this.forgetOldest();
    return isNew;
  }

  has(key: string): boolean {
    return this.seen.has(key);
  }

  countSince(since: number): number {
    let n = 0;
    for (const ts of this.seen.values()) if (ts >= since) n++;
    return n;
  }

  get size(): number {
    return this.seen.size;
  }

  private forgetOldest(): void {
    const times = Array.from(this.seen.values()).sort((a, b) => a - b);
    const cut = times[Math.max(1, this.capacity >> 3) - 1];
    for (const [k, ts] of this.seen) if (ts <= cut) this.seen.delete(k);
  }
}
