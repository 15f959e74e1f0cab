import { mulberry32 } from '../../util/mulberry32.ts';
/*
 * Seeded randomness for NN training: the same seed gives the same initial weights and batch order on every
 * machine, independent of tfjs' own RNG. mulberry32 is small and fast; quality is ample for shuffling and
 * initialization.
 */

export type Rng = () => number;

export { mulberry32 };

/** Standard normal via Box–Muller (one value per call; the pair's second half is discarded for simplicity). */
export function normal(rng: Rng): number {
  const u = 1 - rng();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng());
}

/** Fisher–Yates permutation of 0..n-1. */
export function permutation(n: number, rng: Rng): Int32Array {
  const p = new Int32Array(n);
  for (let i = 0; i < n; i++) p[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    const t = p[i];
    p[i] = p[j];
    p[j] = t;
  }
  return p;
}

/** Glorot/Xavier uniform for a [fanIn, fanOut] kernel (Keras' default). */
export function glorotUniform(fanIn: number, fanOut: number, rng: Rng): Float32Array {
  const limit = Math.sqrt(6 / (fanIn + fanOut));
  const out = new Float32Array(fanIn * fanOut);
  for (let i = 0; i < out.length; i++) out[i] = (2 * rng() - 1) * limit;
  return out;
}

/**
 * A [rows, cols] matrix with orthonormal rows (rows ≤ cols) or columns (rows > cols), Keras' default for
 * recurrent kernels. Modified Gram–Schmidt over Gaussian vectors, done twice for numerical orthogonality.
 */
export function orthogonal(rows: number, cols: number, rng: Rng): Float32Array {
  const byRow = rows <= cols;
  const count = byRow ? rows : cols;
  const len = byRow ? cols : rows;
  const vecs = Array.from({ length: count }, () => Float64Array.from({ length: len }, () => normal(rng)));
  for (let i = 0; i < count; i++) {
    const v = vecs[i];
    for (let pass = 0; pass < 2; pass++) {
      for (let j = 0; j < i; j++) {
        let dot = 0;
        for (let k = 0; k < len; k++) dot += v[k] * vecs[j][k];
        for (let k = 0; k < len; k++) v[k] -= dot * vecs[j][k];
      }
    }
    let sumSq = 0;
    for (let k = 0; k < len; k++) sumSq += v[k] * v[k];
    const norm = Math.sqrt(sumSq) || 1;
    for (let k = 0; k < len; k++) v[k] /= norm;
  }
  const out = new Float32Array(rows * cols);
  for (let i = 0; i < count; i++) {
    for (let k = 0; k < len; k++) out[byRow ? i * cols + k : k * cols + i] = vecs[i][k];
  }
  return out;
}
