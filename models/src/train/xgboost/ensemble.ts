/**
 * A trained gradient-boosted tree ensemble in a flat, typed form that the evaluator, the ONNX exporter and
 * TreeSHAP share. Node arrays are indexed by node id as stored by XGBoost; unreachable (pruned/deleted) slots
 * may exist, so walkers always start at node 0 and follow children.
 */
export type Objective = 'binary:logistic' | 'multi:softprob' | 'multi:softmax';

export interface Tree {
  /** Output group (class index for multi-class, 0 for binary). XGBoost's tree_info. */
  group: number;
  /** -1 for a leaf. */
  left: Int32Array;
  right: Int32Array;
  /** Feature index tested at a split node. */
  feature: Int32Array;
  /** Go left when x < threshold (XGBoost's BRANCH_LT). */
  threshold: Float32Array;
  /** 1 when a missing (NaN) value follows the left child. */
  defaultLeft: Uint8Array;
  /** Leaf output in margin space (already scaled by eta); 0 on split nodes. */
  leafValue: Float32Array;
  /** Sum of hessians of the training rows that reached the node (XGBoost's "cover"). */
  cover: Float32Array;
}

export interface TreeEnsemble {
  objective: Objective;
  /** The global bias as a probability (what the user sets as base_score). */
  baseScore: number;
  /** The same bias in margin space, exactly as stored in the model file. Added to every group. */
  baseMargin: number;
  numFeature: number;
  /** Number of output groups: 1 for binary, K for multi-class. */
  numGroup: number;
  /** Number of classes reported to users: 2 for binary, K for multi-class. */
  numClass: number;
  trees: Tree[];
}

export function isLeaf(tree: Tree, node: number): boolean {
  return tree.left[node] === -1;
}

/** Number of boosting rounds held (each round adds one tree per group). */
export function roundCount(ensemble: TreeEnsemble): number {
  return ensemble.trees.length / ensemble.numGroup;
}

/** Keep the first `rounds` boosting rounds: the equivalent of XGBoost's best_ntree_limit. */
export function truncateRounds(ensemble: TreeEnsemble, rounds: number): TreeEnsemble {
  if (!Number.isInteger(rounds) || rounds < 1 || rounds > roundCount(ensemble)) {
    throw new RangeError(`truncateRounds: rounds must be 1..${roundCount(ensemble)}, got ${rounds}`);
  }
  return { ...ensemble, trees: ensemble.trees.slice(0, rounds * ensemble.numGroup) };
}

/** Node ids reachable from the root, in pre-order (left before right). Pruned slots are skipped. */
export function reachableNodes(tree: Tree): number[] {
  const order: number[] = [];
  const stack = [0];
  while (stack.length > 0) {
    const node = stack.pop()!;
    order.push(node);
    if (!isLeaf(tree, node)) stack.push(tree.right[node], tree.left[node]);
  }
  return order;
}
