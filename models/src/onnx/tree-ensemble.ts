import { reachableNodes, type TreeEnsemble } from '../train/xgboost/ensemble.ts';
import { attr, makeModel, type OnnxNode } from './graph.ts';

/*
 * XGBoost ensemble → ai.onnx.ml TreeEnsembleClassifier, following onnxmltools' XGBoost converter
 * (onnxmltools/convert/xgboost/operator_converters/XGBoost.py):
 * - each split is BRANCH_LT on the float threshold (XGBoost: go left when x < split_cond);
 *   true branch = left child; nodes_missing_value_tracks_true = the default-left bit, so NaN follows XGBoost;
 * - node ids are renumbered per tree in pre-order over reachable nodes (pruned slots are dropped);
 * - leaf values (already scaled by eta) become class_weights;
 * - binary: every leaf votes for class id 0, classlabels [0, 1], post_transform LOGISTIC; ONNX Runtime's
 *   binary path then emits probabilities [1 - p, p];
 * - multi-class: class id = the tree's output group, post_transform SOFTMAX;
 * - base_values = the base score as a margin (XGBoost stores it that way), one per class for multi-class.
 */

export interface TreeEnsembleOnnxOptions {
  inputName?: string;
  labelName?: string;
  probabilitiesName?: string;
  /** Written into the model's metadata so a reader can check the feature order. */
  featureNames?: string[];
  doc?: string;
  metadata?: Record<string, string>;
}

export const TREE_ENSEMBLE_OPSETS = { '': 17, 'ai.onnx.ml': 3 } as const;

interface Attrs {
  treeIds: number[];
  nodeIds: number[];
  featureIds: number[];
  modes: string[];
  values: number[];
  trueIds: number[];
  falseIds: number[];
  missingTrue: number[];
  classTreeIds: number[];
  classNodeIds: number[];
  classIds: number[];
  classWeights: number[];
}

function collect(ensemble: TreeEnsemble): Attrs {
  const a: Attrs = {
    treeIds: [],
    nodeIds: [],
    featureIds: [],
    modes: [],
    values: [],
    trueIds: [],
    falseIds: [],
    missingTrue: [],
    classTreeIds: [],
    classNodeIds: [],
    classIds: [],
    classWeights: [],
  };
  const binary = ensemble.numGroup === 1;
  const twoClass = ensemble.numGroup === 2;
  ensemble.trees.forEach((tree, treeId) => {
    const order = reachableNodes(tree);
    const remap = new Map(order.map((node, i) => [node, i]));
    for (const node of order) {
      const leaf = tree.left[node] === -1;
      a.treeIds.push(treeId);
      a.nodeIds.push(remap.get(node)!);
      a.featureIds.push(leaf ? 0 : tree.feature[node]);
      a.modes.push(leaf ? 'LEAF' : 'BRANCH_LT');
      a.values.push(leaf ? 0 : tree.threshold[node]);
      a.trueIds.push(leaf ? 0 : remap.get(tree.left[node])!);
      a.falseIds.push(leaf ? 0 : remap.get(tree.right[node])!);
      a.missingTrue.push(leaf ? 0 : tree.defaultLeft[node]);
      if (!leaf) continue;
      a.classTreeIds.push(treeId);
      a.classNodeIds.push(remap.get(node)!);
      // Two-class softmax equals a logistic of the margin difference: class 1's trees add, class 0's subtract.
      a.classIds.push(binary || twoClass ? 0 : tree.group);
      a.classWeights.push(twoClass && tree.group === 0 ? -tree.leafValue[node] : tree.leafValue[node]);
    }
  });
  return a;
}

/** The TreeEnsembleClassifier node alone, for embedding in a larger graph. */
export function treeEnsembleClassifierNode(
  ensemble: TreeEnsemble,
  input: string,
  label: string,
  probabilities: string,
): OnnxNode {
  if (ensemble.trees.length === 0) throw new Error('cannot export an ensemble with no trees');
  const a = collect(ensemble);
  const binary = ensemble.numGroup === 1;
  // ONNX Runtime treats any two-label classifier as binary, so a two-class softmax model is exported in that form
  // (see collect): base margins cancel in the difference.
  const logistic = binary || ensemble.numGroup === 2;
  const classes = Array.from({ length: ensemble.numClass }, (_, i) => i);
  return {
    opType: 'TreeEnsembleClassifier',
    domain: 'ai.onnx.ml',
    name: 'xgboost',
    inputs: [input],
    outputs: [label, probabilities],
    attributes: {
      nodes_treeids: attr.ints(a.treeIds),
      nodes_nodeids: attr.ints(a.nodeIds),
      nodes_featureids: attr.ints(a.featureIds),
      nodes_modes: attr.strings(a.modes),
      nodes_values: attr.floats(a.values),
      nodes_truenodeids: attr.ints(a.trueIds),
      nodes_falsenodeids: attr.ints(a.falseIds),
      nodes_missing_value_tracks_true: attr.ints(a.missingTrue),
      class_treeids: attr.ints(a.classTreeIds),
      class_nodeids: attr.ints(a.classNodeIds),
      class_ids: attr.ints(a.classIds),
      class_weights: attr.floats(a.classWeights),
      classlabels_int64s: attr.ints(classes),
      post_transform: attr.string(logistic ? 'LOGISTIC' : 'SOFTMAX'),
      base_values: attr.floats(
        binary ? [ensemble.baseMargin] : logistic ? [0] : classes.map(() => ensemble.baseMargin),
      ),
    },
  };
}

/**
 * A complete ONNX model: input float [N, numFeature] → label int64 [N], probabilities float [N, numClass].
 */
export function treeEnsembleToOnnx(ensemble: TreeEnsemble, opts: TreeEnsembleOnnxOptions = {}): Uint8Array {
  const input = opts.inputName ?? 'input';
  const label = opts.labelName ?? 'label';
  const probabilities = opts.probabilitiesName ?? 'probabilities';
  if (opts.featureNames && opts.featureNames.length !== ensemble.numFeature) {
    throw new RangeError(`${opts.featureNames.length} feature names for a model with ${ensemble.numFeature} features`);
  }
  return makeModel({
    inputs: [{ name: input, type: 'float', shape: ['N', ensemble.numFeature] }],
    outputs: [
      { name: label, type: 'int64', shape: ['N'] },
      { name: probabilities, type: 'float', shape: ['N', ensemble.numClass] },
    ],
    nodes: [treeEnsembleClassifierNode(ensemble, input, label, probabilities)],
    opsets: { ...TREE_ENSEMBLE_OPSETS },
    graphName: 'xgboost_classifier',
    doc: opts.doc ?? `XGBoost ${ensemble.objective}, ${ensemble.trees.length} trees`,
    metadata: {
      objective: ensemble.objective,
      base_score: String(ensemble.baseScore),
      ...(opts.featureNames ? { feature_names: JSON.stringify(opts.featureNames) } : {}),
      ...opts.metadata,
    },
  });
}
