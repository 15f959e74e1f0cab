/**
 * Seeded pseudo-random numbers (sfc32). Every stream is derived from the run seed plus a label, so adding an
 * incident or a user does not shift the numbers another component draws: outputs stay stable under small edits.
 */

/** 32-bit string hash (cyrb-style); mixes a label into a seed. */
export function hash32(text: string, seed = 0): number {
  let h1 = 0xdeadbeef ^ seed;
  let h2 = 0x41c6ce57 ^ seed;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return (h1 ^ h2) >>> 0;
}

const HEX = '0123456789abcdef';
const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const UPPER_HEX = '0123456789ABCDEF';

export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  private spare = Number.NaN;

  constructor(
    readonly seed: number,
    readonly label: string,
  ) {
    this.a = hash32(label, seed);
    this.b = hash32(label, seed ^ 0x9e3779b9);
    this.c = hash32(label, seed ^ 0x85ebca6b);
    this.d = hash32(label, seed ^ 0xc2b2ae35) | 1;
    for (let i = 0; i < 12; i++) this.u32();
  }

  /** A new independent stream named by `label` under the same seed. */
  fork(label: string): Rng {
    return new Rng(this.seed, `${this.label}/${label}`);
  }

  u32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform in [0, 1). */
  float(): number {
    return this.u32() / 4294967296;
  }

  /** Uniform in [lo, hi). */
  range(lo: number, hi: number): number {
    return lo + (hi - lo) * this.float();
  }

  /** Integer uniform in [lo, hi] (inclusive). */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.float() * (hi - lo + 1));
  }

  chance(p: number): boolean {
    return this.float() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.float() * items.length)];
  }

  /** Index drawn with probability proportional to weights[i]; -1 when all weights are zero. */
  weighted(weights: ArrayLike<number>, total?: number): number {
    let sum = total ?? 0;
    if (total === undefined) for (let i = 0; i < weights.length; i++) sum += weights[i];
    if (!(sum > 0)) return -1;
    let x = this.float() * sum;
    for (let i = 0; i < weights.length; i++) {
      x -= weights[i];
      if (x < 0 && weights[i] > 0) return i;
    }
    for (let i = weights.length - 1; i >= 0; i--) if (weights[i] > 0) return i;
    return -1;
  }

  /** Standard normal (Box-Muller, the spare value is kept so draws come in pairs). */
  gauss(): number {
    if (!Number.isNaN(this.spare)) {
      const s = this.spare;
      this.spare = Number.NaN;
      return s;
    }
    const u = 1 - this.float();
    const v = this.float();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }

  normal(mean: number, sd: number): number {
    return mean + sd * this.gauss();
  }

  /** Log-normal with the given median and log-space sigma. */
  logNormal(median: number, sigma: number): number {
    return median * Math.exp(sigma * this.gauss());
  }

  /** Exponential with the given mean. */
  exp(mean: number): number {
    return -mean * Math.log(1 - this.float());
  }

  /** Random characters drawn `bits` at a time from each 32-bit word (fewer draws than one per character). */
  private chars(n: number, alphabet: string, bits: number): string {
    const mask = (1 << bits) - 1;
    const per = Math.floor(32 / bits);
    let s = '';
    let word = 0;
    let left = 0;
    for (let i = 0; i < n; i++) {
      if (left === 0) {
        word = this.u32();
        left = per;
      }
      s += alphabet[word & mask];
      word >>>= bits;
      left--;
    }
    return s;
  }

  hex(n: number): string {
    return this.chars(n, HEX, 4);
  }

  upperHex(n: number): string {
    return this.chars(n, UPPER_HEX, 4);
  }

  base64(n: number): string {
    return this.chars(n, B64, 6);
  }

  /** n decimal digits, nine per draw. */
  digits(n: number): string {
    let s = '';
    while (s.length < n) s += String(this.u32() % 1_000_000_000).padStart(9, '0');
    return s.slice(0, n);
  }

  /** RFC 4122 version 4 UUID. */
  uuid(): string {
    const v = HEX[8 + (this.u32() & 3)];
    return `${this.hex(8)}-${this.hex(4)}-4${this.hex(3)}-${v}${this.hex(3)}-${this.hex(12)}`;
  }

  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = Math.floor(this.float() * (i + 1));
      const t = items[i];
      items[i] = items[j];
      items[j] = t;
    }
    return items;
  }
}

/**
 * n sorted uniform times in [start, end), drawn one at a time in O(1) memory (sequential order statistics:
 * the next of r remaining points lies at 1 - (1 - prev) * V^(1/r)). `warp` maps [0,1) monotonically onto [0,1)
 * to shape the arrival rate (a burst in the middle, a ramp) without breaking the order.
 */
export class OrderedTimes {
  private done = 0;
  private u = 0;
  constructor(
    readonly n: number,
    private readonly start: number,
    private readonly end: number,
    private readonly rng: Rng,
    private readonly warp: (u: number) => number = (u) => u,
  ) {}

  get remaining(): number {
    return this.n - this.done;
  }

  /** The next time, or NaN after the n-th. */
  next(): number {
    if (this.done >= this.n) return Number.NaN;
    const r = this.n - this.done;
    this.u = 1 - (1 - this.u) * (1 - this.rng.float()) ** (1 / r);
    this.done++;
    const w = Math.min(0.999999, Math.max(0, this.warp(this.u)));
    return this.start + (this.end - this.start) * w;
  }
}
