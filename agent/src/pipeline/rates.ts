/**
 * Counts in fixed time buckets over a sliding span: lines/s over the last 10 s, anomalies in the last hour. Constant
 * memory, O(1) per add.
 */
export class SlidingCounter {
  private readonly buckets: Float64Array;
  private readonly stamps: Float64Array;

  constructor(
    private readonly bucketMs: number,
    count: number,
    private readonly now: () => number = Date.now,
  ) {
    this.buckets = new Float64Array(count);
    this.stamps = new Float64Array(count).fill(-1);
  }

  add(n = 1, at = this.now()): void {
    const slot = Math.floor(at / this.bucketMs);
    const i = slot % this.buckets.length;
    if (this.stamps[i] !== slot) {
      this.stamps[i] = slot;
      this.buckets[i] = 0;
    }
    this.buckets[i] += n;
  }

  /** Sum over the span ending now (the current, partial bucket included). */
  total(at = this.now()): number {
    const slot = Math.floor(at / this.bucketMs);
    const oldest = slot - this.buckets.length + 1;
    let sum = 0;
    for (let i = 0; i < this.buckets.length; i++) if (this.stamps[i] >= oldest) sum += this.buckets[i];
    return sum;
  }

  /** Per-second rate over the complete buckets of the span (the partial current bucket is left out). */
  perSecond(at = this.now()): number {
    const slot = Math.floor(at / this.bucketMs);
    const oldest = slot - this.buckets.length + 1;
    let sum = 0;
    for (let i = 0; i < this.buckets.length; i++) {
      if (this.stamps[i] >= oldest && this.stamps[i] < slot) sum += this.buckets[i];
    }
    return (sum * 1000) / (this.bucketMs * (this.buckets.length - 1));
  }
}
