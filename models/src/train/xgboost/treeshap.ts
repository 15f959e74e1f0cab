import type { Tree, TreeEnsemble } from './ensemble.ts';

/*
 * Exact TreeSHAP (Lundberg, Erion & Lee 2018, Algorithm 2), ported from XGBoost's RegTree::TreeShap
 * (include/xgboost/tree_model.h at the commit ml-xgboost is built from) and computed in double precision.
 * Node weights are the training covers (sum of hessians). Missing values follow the default direction, as in
 * prediction. Contributions are in margin (log-odds) space and satisfy local accuracy:
 *   expectedValue + Σ phi = margin(x).
 */

export interface FeatureContribution {
  feature: number;
  name?: string;
  /** The row's value for this feature (NaN = missing). */
  value: number;
  /** Additive contribution to the margin (log-odds for binary). */
  contribution: number;
}

interface TreeInfo {
  meanValue: number;
  maxDepth: number;
}

const infoCache = new WeakMap<Tree, TreeInfo>();

function treeInfo(tree: Tree): TreeInfo {
  let info = infoCache.get(tree);
  if (info) return info;
  let maxDepth = 0;
  const mean = (node: number, depth: number): number => {
    maxDepth = Math.max(maxDepth, depth);
    if (tree.left[node] === -1) return tree.leafValue[node];
    const l = tree.left[node];
    const r = tree.right[node];
    const cover = tree.cover[node];
    if (!(cover > 0)) return (mean(l, depth + 1) + mean(r, depth + 1)) / 2;
    return (mean(l, depth + 1) * tree.cover[l] + mean(r, depth + 1) * tree.cover[r]) / cover;
  };
  info = { meanValue: mean(0, 0), maxDepth };
  infoCache.set(tree, info);
  return info;
}

/** The decision-path stack of the algorithm, one segment per recursion level in flat arrays. */
class PathStore {
  readonly feature: Int32Array;
  readonly zero: Float64Array;
  readonly one: Float64Array;
  readonly weight: Float64Array;
  constructor(maxDepth: number) {
    const d = maxDepth + 3;
    const size = (d * (d + 1)) / 2 + 1;
    this.feature = new Int32Array(size);
    this.zero = new Float64Array(size);
    this.one = new Float64Array(size);
    this.weight = new Float64Array(size);
  }

  copy(from: number, to: number, count: number): void {
    this.feature.copyWithin(to, from, from + count);
    this.zero.copyWithin(to, from, from + count);
    this.one.copyWithin(to, from, from + count);
    this.weight.copyWithin(to, from, from + count);
  }

  extend(s: number, depth: number, zeroFraction: number, oneFraction: number, feature: number): void {
    const w = this.weight;
    this.feature[s + depth] = feature;
    this.zero[s + depth] = zeroFraction;
    this.one[s + depth] = oneFraction;
    w[s + depth] = depth === 0 ? 1 : 0;
    for (let i = depth - 1; i >= 0; i--) {
      w[s + i + 1] += (oneFraction * w[s + i] * (i + 1)) / (depth + 1);
      w[s + i] = (zeroFraction * w[s + i] * (depth - i)) / (depth + 1);
    }
  }

  unwind(s: number, depth: number, pathIndex: number): void {
    const w = this.weight;
    const one = this.one[s + pathIndex];
    const zero = this.zero[s + pathIndex];
    let nextOne = w[s + depth];
    for (let i = depth - 1; i >= 0; i--) {
      if (one !== 0) {
        const tmp = w[s + i];
        w[s + i] = (nextOne * (depth + 1)) / ((i + 1) * one);
        nextOne = tmp - (w[s + i] * zero * (depth - i)) / (depth + 1);
      } else {
        w[s + i] = (w[s + i] * (depth + 1)) / (zero * (depth - i));
      }
    }
    for (let i = pathIndex; i < depth; i++) {
      this.feature[s + i] = this.feature[s + i + 1];
      this.zero[s + i] = this.zero[s + i + 1];
      this.one[s + i] = this.one[s + i + 1];
    }
  }

  unwoundSum(s: number, depth: number, pathIndex: number): number {
    const w = this.weight;
    const one = this.one[s + pathIndex];
    const zero = this.zero[s + pathIndex];
    let nextOne = w[s + depth];
    let total = 0;
    for (let i = depth - 1; i >= 0; i--) {
      if (one !== 0) {
        const tmp = (nextOne * (depth + 1)) / ((i + 1) * one);
        total += tmp;
        nextOne = w[s + i] - tmp * zero * ((depth - i) / (depth + 1));
      } else {
        total += w[s + i] / zero / ((depth - i) / (depth + 1));
      }
    }
    return total;
  }
}

function recurse(
  tree: Tree,
  x: ArrayLike<number>,
  phi: Float64Array,
  path: PathStore,
  node: number,
  depthIn: number,
  parentStart: number,
  parentZero: number,
  parentOne: number,
  parentFeature: number,
): void {
  let depth = depthIn;
  const s = parentStart + depth + 1;
  path.copy(parentStart, s, depth + 1);
  path.extend(s, depth, parentZero, parentOne, parentFeature);
  if (tree.left[node] === -1) {
    const leaf = tree.leafValue[node];
    for (let i = 1; i <= depth; i++) {
      const w = path.unwoundSum(s, depth, i);
      phi[path.feature[s + i]] += w * (path.one[s + i] - path.zero[s + i]) * leaf;
    }
    return;
  }
  const split = tree.feature[node];
  const v = x[split];
  const goLeft = Number.isNaN(v) ? tree.defaultLeft[node] === 1 : v < tree.threshold[node];
  const hot = goLeft ? tree.left[node] : tree.right[node];
  const cold = goLeft ? tree.right[node] : tree.left[node];
  const cover = tree.cover[node];
  const hotZero = cover > 0 ? tree.cover[hot] / cover : 0.5;
  const coldZero = cover > 0 ? tree.cover[cold] / cover : 0.5;
  let incomingZero = 1;
  let incomingOne = 1;
  let pathIndex = 0;
  while (pathIndex <= depth && path.feature[s + pathIndex] !== split) pathIndex++;
  if (pathIndex !== depth + 1) {
    incomingZero = path.zero[s + pathIndex];
    incomingOne = path.one[s + pathIndex];
    path.unwind(s, depth, pathIndex);
    depth -= 1;
  }
  recurse(tree, x, phi, path, hot, depth + 1, s, hotZero * incomingZero, incomingOne, split);
  recurse(tree, x, phi, path, cold, depth + 1, s, coldZero * incomingZero, 0, split);
}

/** SHAP values of one row for one output group (class index for multi-class; 0 for binary). */
export function shapValues(
  ensemble: TreeEnsemble,
  row: ArrayLike<number>,
  group = 0,
): { phi: Float64Array; expectedValue: number } {
  if (row.length !== ensemble.numFeature) {
    throw new RangeError(`row has ${row.length} values; the model expects ${ensemble.numFeature}`);
  }
  if (!Number.isInteger(group) || group < 0 || group >= ensemble.numGroup) {
    throw new RangeError(`group ${group} is not in 0..${ensemble.numGroup - 1}`);
  }
  const phi = new Float64Array(ensemble.numFeature);
  let expectedValue = ensemble.baseMargin;
  const trees = ensemble.trees.filter((t) => t.group === group);
  const path = new PathStore(Math.max(0, ...trees.map((t) => treeInfo(t).maxDepth)));
  for (const tree of trees) {
    expectedValue += treeInfo(tree).meanValue;
    recurse(tree, row, phi, path, 0, 0, 0, 1, 1, -1);
  }
  return { phi, expectedValue };
}

/** The topK features by |contribution| (zero contributions omitted), largest first. */
export function explain(
  ensemble: TreeEnsemble,
  row: ArrayLike<number>,
  topK: number,
  opts: { group?: number; featureNames?: readonly string[] } = {},
): FeatureContribution[] {
  const { phi } = shapValues(ensemble, row, opts.group ?? 0);
  const out: FeatureContribution[] = [];
  for (let f = 0; f < phi.length; f++) {
    if (phi[f] === 0) continue;
    out.push({ feature: f, name: opts.featureNames?.[f], value: row[f], contribution: phi[f] });
  }
  out.sort((a, b) => Math.abs(b.contribution) - Math.abs(a.contribution));
  return out.slice(0, Math.max(0, topK));
}
