// Runtime-safe exports (no training code, no wasm). The latency bench lives in ./bench.ts (it loads XGBoost).
export { BundleError, type BundleSpec, readManifest, sha256Hex, writeBundle } from './bundle.ts';
export { attr, type ModelSpec, makeModel, tensor } from './graph.ts';
export { type BundleManifest, BundleManifestSchema, type ModelEntry, validateManifest } from './manifest.ts';
export { MicroBatcher } from './micro-batcher.ts';
export type { Attribute, Dim, ElemType, Graph, OnnxNode, Tensor, ValueInfo } from './onnx-proto.ts';
export { type LoadBundleOptions, type LoadedModel, loadBundle, ModelBundle } from './scorer.ts';
export { treeEnsembleClassifierNode, treeEnsembleToOnnx } from './tree-ensemble.ts';
