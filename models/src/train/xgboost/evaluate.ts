import type { Tree, TreeEnsemble } from './ensemble.ts';

/*
 * Pure-TS tree evaluator. It mirrors XGBoost's CPU predictor bit for bit where it can: leaf values are summed
 * per group in float32 starting from 0, then added to the float32 base margin (cpu_predictor.cc PredValue),
 * and the sigmoid is computed in float32. NaN is "missing" and follows the node's default direction.
 */

const f32 = Math.fround;

/** Leaf node id reached by row `row` of the row-major matrix X (width = ensemble.numFeature). */
export function leafIndex(tree: Tree, X: Float32Array, rowStart: number): number {
  let node = 0;
  while (tree.left[node] !== -1) {
    const v = X[rowStart + tree.feature[node]];
    if (Number.isNaN(v)) node = tree.defaultLeft[node] ? tree.left[node] : tree.right[node];
    else node = v < tree.threshold[node] ? tree.left[node] : tree.right[node];
  }
  return node;
}

function checkMatrix(ensemble: TreeEnsemble, X: Float32Array, nRows: number): void {
  if (X.length !== nRows * ensemble.numFeature) {
    throw new RangeError(`X has ${X.length} values; expected ${nRows} rows × ${ensemble.numFeature} features`);
  }
}

/**
 * Add one tree's leaf values into per-row float32 leaf sums (layout row × numGroup). Used incrementally by
 * early stopping, one boosting round at a time.
 */
export function accumulateTree(
  tree: Tree,
  numGroup: number,
  X: Float32Array,
  nRows: number,
  width: number,
  sums: Float32Array,
): void {
  for (let row = 0; row < nRows; row++) {
    const k = row * numGroup + tree.group;
    sums[k] = f32(sums[k] + tree.leafValue[leafIndex(tree, X, row * width)]);
  }
}

/** Margins (raw scores) per row and group: base_margin + Σ leaves. Layout row × numGroup. */
export function predictMargin(ensemble: TreeEnsemble, X: Float32Array, nRows: number): Float32Array {
  checkMatrix(ensemble, X, nRows);
  const sums = new Float32Array(nRows * ensemble.numGroup);
  for (const tree of ensemble.trees) accumulateTree(tree, ensemble.numGroup, X, nRows, ensemble.numFeature, sums);
  return sumsToMargins(ensemble.baseMargin, sums);
}

export function sumsToMargins(baseMargin: number, sums: Float32Array): Float32Array {
  const out = new Float32Array(sums.length);
  for (let i = 0; i < sums.length; i++) out[i] = f32(baseMargin + sums[i]);
  return out;
}

export function sigmoid32(margin: number): number {
  return f32(1 / f32(1 + f32(Math.exp(-margin))));
}

/**
 * Margins → probabilities. Binary: one value per row, P(class 1). Multi-class: numGroup values per row,
 * softmax (XGBoost subtracts the row max and sums in double, as here).
 */
export function marginsToProba(ensemble: TreeEnsemble, margins: Float32Array): Float32Array {
  const k = ensemble.numGroup;
  const out = new Float32Array(margins.length);
  if (k === 1) {
    for (let i = 0; i < margins.length; i++) out[i] = sigmoid32(margins[i]);
    return out;
  }
  for (let start = 0; start < margins.length; start += k) {
    let max = margins[start];
    for (let j = 1; j < k; j++) max = Math.max(max, margins[start + j]);
    let sum = 0;
    for (let j = 0; j < k; j++) {
      out[start + j] = f32(Math.exp(margins[start + j] - max));
      sum += out[start + j];
    }
    for (let j = 0; j < k; j++) out[start + j] = f32(out[start + j] / sum);
  }
  return out;
}

export function predictProba(ensemble: TreeEnsemble, X: Float32Array, nRows: number): Float32Array {
  return marginsToProba(ensemble, predictMargin(ensemble, X, nRows));
}

/** Mean negative log-likelihood; probabilities are clipped like XGBoost's logloss metric (eps = 1e-16). */
export function logLoss(proba: Float32Array, y: ArrayLike<number>, numGroup: number): number {
  const eps = 1e-16;
  let total = 0;
  for (let row = 0; row < y.length; row++) {
    const label = y[row];
    let p: number;
    if (numGroup === 1) p = label === 1 ? proba[row] : 1 - proba[row];
    else p = proba[row * numGroup + label];
    total -= Math.log(Math.min(1 - eps, Math.max(eps, p)));
  }
  return total / y.length;
}
