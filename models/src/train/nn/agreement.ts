/*
 * How closely two scorers agree (int8 vs float, ONNX vs tfjs): rank and linear correlation, the share of rows that
 * land on the same side of a threshold (score ≥ threshold fires, the project's rule), and the largest difference.
 */

export interface Agreement {
  maxAbsDiff: number;
  /** max |a - b| / max(1, |b|) */
  maxRelDiff: number;
  pearson: number;
  spearman: number;
  sameDecision?: number;
}

function ranks(v: ArrayLike<number>): Float64Array {
  const order = Array.from({ length: v.length }, (_, i) => i).sort((i, j) => v[i] - v[j]);
  const r = new Float64Array(v.length);
  for (let k = 0; k < order.length; ) {
    let end = k;
    while (end + 1 < order.length && v[order[end + 1]] === v[order[k]]) end++;
    for (let m = k; m <= end; m++) r[order[m]] = (k + end) / 2; // ties share their mean rank
    k = end + 1;
  }
  return r;
}

export function pearson(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = a.length;
  let ma = 0;
  let mb = 0;
  for (let i = 0; i < n; i++) {
    ma += a[i] / n;
    mb += b[i] / n;
  }
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < n; i++) {
    sab += (a[i] - ma) * (b[i] - mb);
    saa += (a[i] - ma) ** 2;
    sbb += (b[i] - mb) ** 2;
  }
  return saa > 0 && sbb > 0 ? sab / Math.sqrt(saa * sbb) : saa === sbb ? 1 : 0;
}

export const spearman = (a: ArrayLike<number>, b: ArrayLike<number>): number => pearson(ranks(a), ranks(b));

/** `got` compared with the reference `want`; with a threshold, the share of rows given the same decision. */
export function agreement(got: ArrayLike<number>, want: ArrayLike<number>, threshold?: number): Agreement {
  if (got.length !== want.length) throw new RangeError(`agreement: ${got.length} vs ${want.length} values`);
  let maxAbsDiff = 0;
  let maxRelDiff = 0;
  let same = 0;
  for (let i = 0; i < got.length; i++) {
    const d = Math.abs(got[i] - want[i]);
    maxAbsDiff = Math.max(maxAbsDiff, d);
    maxRelDiff = Math.max(maxRelDiff, d / Math.max(1, Math.abs(want[i])));
    if (threshold !== undefined && got[i] >= threshold === want[i] >= threshold) same++;
  }
  return {
    maxAbsDiff,
    maxRelDiff,
    pearson: pearson(got, want),
    spearman: spearman(got, want),
    ...(threshold !== undefined ? { sameDecision: got.length > 0 ? same / got.length : 1 } : {}),
  };
}
