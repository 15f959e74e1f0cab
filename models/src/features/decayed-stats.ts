/**
 * Exponentially decayed mean and variance (West's incremental form). Used as each entity's own baseline so a
 * z-score says "unusual for this entity", not "unusual for the fleet".
 */
export class DecayedStats {
  mean = 0;
  variance = 0;
  n = 0;

  constructor(private readonly alpha: number) {}

  update(x: number): void {
    if (this.n === 0) {
      this.mean = x;
      this.variance = 0;
    } else {
      const diff = x - this.mean;
      const incr = this.alpha * diff;
      this.mean += incr;
      this.variance = (1 - this.alpha) * (this.variance + diff * incr);
    }
    this.n++;
  }

  /**
   * z-score of x against the baseline. Until `minN` observations exist there is no baseline: NaN (XGBoost treats it
   * as missing). The variance floor keeps a perfectly regular entity from producing infinite scores.
   */
  z(x: number, minN = 8, floor = 1): number {
    if (this.n < minN) return Number.NaN;
    const sd = Math.sqrt(Math.max(this.variance, floor));
    return (x - this.mean) / sd;
  }
}
