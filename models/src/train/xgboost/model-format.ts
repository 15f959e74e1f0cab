import { BinaryReader, ModelFormatError } from './binary-reader.ts';
import type { Objective, Tree, TreeEnsemble } from './ensemble.ts';

/*
 * Parser for XGBoost's legacy binary model format (the one XGBoosterSaveModel writes in the 0.7x era that
 * ml-xgboost is compiled from: dmlc/xgboost@375d753, Feb 2018). Layout, all little-endian:
 *   ["binf"]  LearnerModelParam (136 B)  name_obj (u64 len + bytes)  name_gbm (u64 len + bytes)
 *   GBTreeModelParam (160 B)  num_trees × RegTree  tree_info (num_trees × i32)
 *   [extra attrs if contain_extra_attrs]  [eval metric names if contain_eval_metrics]
 * RegTree = TreeParam (148 B)  num_nodes × Node (20 B)  num_nodes × RTreeNodeStat (16 B).
 * See include/xgboost/tree_model.h, src/gbm/gbtree_model.h and src/learner.cc at that commit.
 */

const LEARNER_PARAM_BYTES = 136; // f32 base_score, u32 num_feature, i32 num_class, i32 ×2 flags, i32 reserved[29]
const GBTREE_PARAM_BYTES = 160; // i32 ×4, i64 num_pbuffer, i32 ×2, i32 reserved[32]
const TREE_PARAM_BYTES = 148; // i32 ×6, i32 reserved[31]
const NODE_BYTES = 20; // i32 parent, i32 cleft, i32 cright, u32 sindex (bit 31 = default left), f32 value
const STAT_BYTES = 16; // f32 loss_chg, f32 sum_hess, f32 base_weight, i32 leaf_child_cnt
const DELETED_SINDEX = 0xffffffff;
const SUPPORTED: readonly Objective[] = ['binary:logistic', 'multi:softprob', 'multi:softmax'];

interface LearnerHeader {
  baseMargin: number;
  numFeature: number;
  numClass: number;
  hasAttrs: boolean;
  hasMetrics: boolean;
}

function readLearnerHeader(r: BinaryReader): LearnerHeader {
  if (r.peekAscii(4) === 'binf') r.skip(4, 'binf header');
  const baseMargin = r.f32('base_score');
  const numFeature = r.u32('num_feature');
  const numClass = r.i32('num_class');
  const hasAttrs = r.i32('contain_extra_attrs') !== 0;
  const hasMetrics = r.i32('contain_eval_metrics') !== 0;
  r.skip(LEARNER_PARAM_BYTES - 20, 'learner reserved');
  return { baseMargin, numFeature, numClass, hasAttrs, hasMetrics };
}

/** name_obj has a backward-compatible length encoding: a huge length means "real length in the high word". */
function readObjectiveName(r: BinaryReader): string {
  let len = r.u64('objective name length');
  if (len >= 0xffffffff) {
    r.i32('objective name gap');
    len = Math.floor(len / 2 ** 32);
  }
  return r.text(len, 'objective name');
}

function readTree(r: BinaryReader, index: number, numFeature: number, group: number): Tree {
  const where = `tree ${index}`;
  const start = r.offset;
  const numRoots = r.i32(`${where} num_roots`);
  const numNodes = r.i32(`${where} num_nodes`);
  r.skip(12, `${where} num_deleted/max_depth/num_feature`);
  const sizeLeafVector = r.i32(`${where} size_leaf_vector`);
  r.skip(TREE_PARAM_BYTES - 24, `${where} reserved`);
  if (numRoots !== 1) throw new ModelFormatError(`${where}: num_roots=${numRoots}, only 1 is supported`, start);
  const bodyBytes = numNodes * (NODE_BYTES + STAT_BYTES);
  if (numNodes < 1 || bodyBytes > r.remaining) {
    const detail = `needs ${bodyBytes} bytes, ${r.remaining} left (truncated file?)`;
    throw new ModelFormatError(`${where}: num_nodes=${numNodes} ${detail}`, start);
  }
  if (sizeLeafVector !== 0) throw new ModelFormatError(`${where}: vector leaves are not supported`, start);
  const nodes = r.structs(numNodes * NODE_BYTES, `${where} nodes`);
  const stats = r.structs(numNodes * STAT_BYTES, `${where} stats`);
  const tree: Tree = {
    group,
    left: new Int32Array(numNodes),
    right: new Int32Array(numNodes),
    feature: new Int32Array(numNodes),
    threshold: new Float32Array(numNodes),
    defaultLeft: new Uint8Array(numNodes),
    leafValue: new Float32Array(numNodes),
    cover: new Float32Array(numNodes),
  };
  const deleted = new Uint8Array(numNodes);
  for (let i = 0; i < numNodes; i++) {
    const o = i * NODE_BYTES;
    const cleft = nodes.getInt32(o + 4, true);
    const sindex = nodes.getUint32(o + 12, true);
    const value = nodes.getFloat32(o + 16, true);
    deleted[i] = sindex === DELETED_SINDEX ? 1 : 0;
    tree.left[i] = cleft;
    tree.right[i] = cleft === -1 ? -1 : nodes.getInt32(o + 8, true);
    tree.feature[i] = cleft === -1 ? -1 : sindex & 0x7fffffff;
    tree.defaultLeft[i] = sindex >>> 31;
    if (cleft === -1) tree.leafValue[i] = value;
    else tree.threshold[i] = value;
    tree.cover[i] = stats.getFloat32(i * STAT_BYTES + 4, true);
  }
  checkTreeShape(tree, deleted, numFeature, where, start);
  return tree;
}

/** Every reachable node is live, visited once, with in-range children and feature index. */
function checkTreeShape(tree: Tree, deleted: Uint8Array, numFeature: number, where: string, at: number): void {
  const n = tree.left.length;
  const seen = new Uint8Array(n);
  const stack = [0];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (node < 0 || node >= n) throw new ModelFormatError(`${where}: child index ${node} out of range`, at);
    if (seen[node]) throw new ModelFormatError(`${where}: node ${node} reached twice`, at);
    if (deleted[node]) throw new ModelFormatError(`${where}: deleted node ${node} is reachable`, at);
    seen[node] = 1;
    if (tree.left[node] === -1) continue;
    if (tree.feature[node] >= numFeature) {
      throw new ModelFormatError(`${where}: node ${node} splits on feature ${tree.feature[node]} >= ${numFeature}`, at);
    }
    stack.push(tree.left[node], tree.right[node]);
  }
}

function readTrailer(r: BinaryReader, header: LearnerHeader, objective: string): void {
  if (header.hasAttrs) {
    const n = r.u64('attribute count');
    for (let i = 0; i < n; i++) {
      r.string(`attribute ${i} key`);
      r.string(`attribute ${i} value`);
    }
  }
  if (objective === 'count:poisson') r.string('max_delta_step');
  if (header.hasMetrics) {
    const n = r.u64('metric count');
    for (let i = 0; i < n; i++) r.string(`metric ${i}`);
  }
}

/** Byte offsets of the parts that truncation rewrites. */
export interface ModelLayout {
  numTreesOffset: number;
  /** Start of each tree, plus one final entry: the start of tree_info. */
  treeStarts: number[];
  trailerStart: number;
}

/** Parse XGBoost's binary model bytes into a typed ensemble, refusing anything it cannot represent exactly. */
export function parseXGBoostModel(bytes: Uint8Array): TreeEnsemble {
  return readModel(bytes).ensemble;
}

export function readModel(bytes: Uint8Array): { ensemble: TreeEnsemble; layout: ModelLayout } {
  const r = new BinaryReader(bytes);
  const header = readLearnerHeader(r);
  const objective = readObjectiveName(r);
  const booster = r.string('booster name');
  if (booster !== 'gbtree') throw new ModelFormatError(`booster '${booster}' is not supported (gbtree only)`, r.offset);
  if (!SUPPORTED.includes(objective as Objective)) {
    throw new ModelFormatError(`objective '${objective}' is not supported (${SUPPORTED.join(', ')})`, r.offset);
  }
  const paramAt = r.offset;
  const numTrees = r.i32('num_trees');
  r.skip(20, 'gbtree num_roots/num_feature/pad/num_pbuffer');
  const numGroup = r.i32('num_output_group');
  r.skip(GBTREE_PARAM_BYTES - 28, 'gbtree size_leaf_vector/reserved');
  if (numTrees < 0 || numGroup < 1 || numTrees % numGroup !== 0) {
    throw new ModelFormatError(`num_trees=${numTrees} is not a multiple of num_output_group=${numGroup}`, paramAt);
  }
  const bodies: Tree[] = [];
  const treeStarts: number[] = [];
  for (let t = 0; t < numTrees; t++) {
    treeStarts.push(r.offset);
    bodies.push(readTree(r, t, header.numFeature, 0));
  }
  treeStarts.push(r.offset);
  for (let t = 0; t < numTrees; t++) {
    const group = r.i32(`tree_info[${t}]`);
    if (group < 0 || group >= numGroup) throw new ModelFormatError(`tree ${t} has group ${group}`, r.offset - 4);
    bodies[t].group = group;
  }
  const trailerStart = r.offset;
  readTrailer(r, header, objective);
  if (r.remaining !== 0) throw new ModelFormatError(`${r.remaining} unexpected trailing bytes`, r.offset);
  const binary = objective === 'binary:logistic';
  if (binary && numGroup !== 1) throw new ModelFormatError(`binary model with ${numGroup} groups`, paramAt);
  const ensemble: TreeEnsemble = {
    objective: objective as Objective,
    baseMargin: header.baseMargin,
    baseScore: binary ? 1 / (1 + Math.exp(-header.baseMargin)) : header.baseMargin,
    numFeature: header.numFeature,
    numGroup,
    numClass: binary ? 2 : numGroup,
    trees: bodies,
  };
  return { ensemble, layout: { numTreesOffset: paramAt, treeStarts, trailerStart } };
}

/**
 * The model file holding only the first `rounds` boosting rounds: same header and trailer, fewer trees and
 * tree_info entries. XGBoost loads it as the early-stopped model (what best_ntree_limit selects at predict time).
 */
export function truncateModelBytes(bytes: Uint8Array, rounds: number): Uint8Array {
  const { ensemble, layout } = readModel(bytes);
  const keep = rounds * ensemble.numGroup;
  if (!Number.isInteger(rounds) || rounds < 1 || keep > ensemble.trees.length) {
    throw new RangeError(`truncateModelBytes: rounds must be 1..${ensemble.trees.length / ensemble.numGroup}`);
  }
  const treesEnd = layout.treeStarts[keep];
  const infoStart = layout.treeStarts[ensemble.trees.length];
  const parts = [
    bytes.subarray(0, treesEnd),
    bytes.subarray(infoStart, infoStart + keep * 4),
    bytes.subarray(layout.trailerStart),
  ];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  new DataView(out.buffer).setInt32(layout.numTreesOffset, keep, true);
  return out;
}
