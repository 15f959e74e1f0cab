import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { DEFAULT_FEATURE_CONFIG } from '../features/engine.ts';
import { featureSchema } from '../features/schema.ts';
import { type BundleManifest, type BundleSpec, treeEnsembleToOnnx, writeBundle } from '../onnx/index.ts';
import type { TrainedDetector } from './detector.ts';

export interface ExportOptions {
  dir: string;
  version: string;
  trainingSeed: number;
  threshold: number;
  /** Fixed creation time so the same data and seed give a byte-identical bundle. */
  createdAt: string;
  card: { json: unknown; markdown: string };
}

/** The bundle: detector + typer as ONNX, the detector's XGBoost file for TreeSHAP, thresholds and the model card. */
export async function exportBundle(model: TrainedDetector, opts: ExportOptions): Promise<BundleManifest> {
  const schema = featureSchema(DEFAULT_FEATURE_CONFIG.windowMs, DEFAULT_FEATURE_CONFIG.rollingMs);
  const F = schema.names.length;
  const io = { inputName: 'input', inputDims: [F], outputName: 'probabilities' };
  const models: BundleSpec['models'] = [
    {
      name: 'detector',
      kind: 'xgboost',
      format: 'onnx',
      file: 'detector.onnx',
      bytes: treeEnsembleToOnnx(model.detector.ensemble, { featureNames: schema.names }),
      ...io,
      outputColumn: 1,
      threshold: opts.threshold,
      explainer: { format: 'xgboost-binary', file: 'detector.xgb', bytes: model.detector.modelBytes },
    },
  ];
  if (model.typer) {
    models.push({
      name: 'typer',
      kind: 'xgboost',
      format: 'onnx',
      file: 'typer.onnx',
      bytes: treeEnsembleToOnnx(model.typer.ensemble, { featureNames: schema.names }),
      ...io,
      labels: model.typeLabels,
    });
  }
  const manifest = await writeBundle(opts.dir, {
    bundleVersion: opts.version,
    createdAt: opts.createdAt,
    featureSchema: { version: schema.version, hash: schema.hash, names: schema.names },
    models,
    thresholds: { detector: opts.threshold },
    labelSet: model.typeLabels,
    trainingSeed: opts.trainingSeed,
  });
  await writeFile(path.join(opts.dir, 'model-card.json'), `${JSON.stringify(opts.card.json, null, 2)}\n`);
  await writeFile(path.join(opts.dir, 'MODEL_CARD.md'), opts.card.markdown);
  return manifest;
}
