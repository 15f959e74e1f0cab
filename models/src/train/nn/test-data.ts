import type { Matrix } from './matrix.ts';
import { mulberry32, normal } from './random.ts';

/*
 * Deterministic synthetic fixtures for the NN tests, shaped like the window features: rows driven by a few latent
 * factors, half the columns heavy-tailed counts (exp of a latent mix, rounded), the rest signed z-score-like
 * values, and two columns missing ~15% of the time. Anomalies break the latent structure (one count spikes
 * 30×, or a z-score column flips sign against its factors) so a model of normal rows must notice them.
 */

export interface SyntheticRows {
  rows: Matrix;
  /** 1 = injected anomaly */
  labels: Uint8Array;
}

export function syntheticRows(n: number, F: number, seed: number, anomalyRate = 0): SyntheticRows {
  const rng = mulberry32(seed);
  const mix = mulberry32(1234); // the same structure for every seed: train and test share one "system"
  const K = 3;
  const load = Float64Array.from({ length: F * K }, () => normal(mix));
  const base = Float64Array.from({ length: F }, () => 1 + 2 * mix());
  const data = new Float32Array(n * F);
  const labels = new Uint8Array(n);
  const z = new Float64Array(K);
  for (let r = 0; r < n; r++) {
    for (let k = 0; k < K; k++) z[k] = normal(rng);
    const anomalous = rng() < anomalyRate;
    labels[r] = anomalous ? 1 : 0;
    const victim = Math.floor(rng() * F);
    for (let j = 0; j < F; j++) {
      let s = 0;
      for (let k = 0; k < K; k++) s += load[j * K + k] * z[k];
      let v = j % 2 === 0 ? Math.round(Math.exp(base[j] + 0.6 * s)) : s + 0.1 * normal(rng);
      if (anomalous && j === victim) v = j % 2 === 0 ? 30 * (v + 3) : -2 * v + Math.sign(v || 1) * 4;
      data[r * F + j] = v;
    }
    for (const j of [1, 2]) if (j < F && rng() < 0.15) data[r * F + j] = Number.NaN;
  }
  return { rows: { data, rows: n, cols: F }, labels };
}

/** Area under the ROC curve of `scores` against binary `labels` (ties count half). */
export function rocAuc(scores: ArrayLike<number>, labels: ArrayLike<number>): number {
  let pos = 0;
  let neg = 0;
  let wins = 0;
  for (let i = 0; i < scores.length; i++) {
    if (!labels[i]) continue;
    pos++;
    for (let j = 0; j < scores.length; j++) {
      if (labels[j]) continue;
      wins += scores[i] > scores[j] ? 1 : scores[i] === scores[j] ? 0.5 : 0;
    }
  }
  for (let j = 0; j < scores.length; j++) if (!labels[j]) neg++;
  return wins / (pos * neg);
}

/** Which templates may follow each template in the synthetic workflow below. */
const SUCCESSORS: Record<string, string[]> = {
  E0: ['E1'],
  E1: ['E2', 'E3'],
  E2: ['E4'],
  E3: ['E4'],
  E4: ['E5'],
  E5: ['E5', 'E6'],
  E6: ['E8', 'E9'],
  E8: ['E7'],
  E9: ['E7'],
};

/**
 * Sessions of template ids from a small workflow with a long-range dependency: the branch taken at step 2
 * (E2 or E3) decides the closing event (E8 or E9) after a loop of 1–3 E5s, so predicting it needs memory.
 * An anomalous session has one event replaced by a template that never follows its predecessor.
 */
export function syntheticSessions(
  n: number,
  seed: number,
  anomalyRate = 0,
): { sessions: string[][]; labels: Uint8Array } {
  const rng = mulberry32(seed);
  const sessions: string[][] = [];
  const labels = new Uint8Array(n);
  const all = Object.keys(SUCCESSORS).concat('E7');
  for (let i = 0; i < n; i++) {
    const left = rng() < 0.5;
    const s = ['E0', 'E1', left ? 'E2' : 'E3', 'E4'];
    const loops = 1 + Math.floor(rng() * 3);
    for (let k = 0; k < loops; k++) s.push('E5');
    s.push('E6', left ? 'E8' : 'E9', 'E7');
    if (rng() < anomalyRate) {
      labels[i] = 1;
      const at = 1 + Math.floor(rng() * (s.length - 1));
      const wrong = all.filter((t) => !SUCCESSORS[s[at - 1]].includes(t));
      s[at] = wrong[Math.floor(rng() * wrong.length)];
    }
    sessions.push(s);
  }
  return { sessions, labels };
}

/**
 * One entity's window features over time: the latent factors follow an AR(1) process (φ = 0.9), so the next
 * window is predictable from the last few. Anomalous steps jump one feature far from its trajectory.
 */
export function syntheticSeries(n: number, F: number, seed: number, anomalyRate = 0): SyntheticRows {
  const rng = mulberry32(seed);
  const mix = mulberry32(99);
  const load = Float64Array.from({ length: F * 2 }, () => normal(mix));
  const data = new Float32Array(n * F);
  const labels = new Uint8Array(n);
  let z0 = 0;
  let z1 = 0;
  for (let t = 0; t < n; t++) {
    z0 = 0.9 * z0 + 0.45 * normal(rng);
    z1 = 0.9 * z1 + 0.45 * normal(rng);
    for (let j = 0; j < F; j++) {
      const s = load[2 * j] * z0 + load[2 * j + 1] * z1;
      data[t * F + j] = j % 2 === 0 ? Math.round(Math.exp(2 + 0.5 * s)) : s + 0.05 * normal(rng);
    }
    if (rng() < anomalyRate) {
      labels[t] = 1;
      const j = Math.floor(rng() * F);
      data[t * F + j] = j % 2 === 0 ? 40 * (data[t * F + j] + 2) : data[t * F + j] + 6 * Math.sign(rng() - 0.5);
    }
  }
  return { rows: { data, rows: n, cols: F }, labels };
}
