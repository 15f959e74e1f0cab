import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { DEFAULT_FEATURE_CONFIG } from '../features/engine.ts';
import { featureSchema } from '../features/schema.ts';
import type { FusionDoc } from '../onnx/fusion.ts';
import { type BundleManifest, type BundleSpec, treeEnsembleToOnnx, writeBundle } from '../onnx/index.ts';
import { RECON_IO } from '../onnx/nn/autoencoder-onnx.ts';
import type { TrainedDetector } from './detector.ts';
import type { HostAutoencoder } from './host-autoencoder.ts';

export interface ExportOptions {
  dir: string;
  version: string;
  trainingSeed: number;
  threshold: number;
  /** Fixed creation time so the same data and seed give a byte-identical bundle. */
  createdAt: string;
  card: { json: unknown; markdown: string };
  /** The autoencoder (int8) and the fusion; without them the bundle is detector + typer, as 1.0.0. */
  host?: { autoencoder: HostAutoencoder; fusion: FusionDoc };
}

const encodeJson = (v: unknown) => new TextEncoder().encode(`${JSON.stringify(v, null, 2)}\n`);

/**
 * The bundle: detector + typer as ONNX, the detector's XGBoost file for TreeSHAP, and (with `host`) the int8
 * autoencoder and the fusion document, each with its role; thresholds and the model card.
 */
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
      ...(opts.host ? { role: 'detector' as const } : {}),
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
      ...(opts.host ? { role: 'typer' as const } : {}),
      labels: model.typeLabels,
    });
  }
  const thresholds: Record<string, number> = { detector: opts.threshold };
  if (opts.host) {
    const { autoencoder: ae, fusion } = opts.host;
    models.push({
      name: 'autoencoder',
      kind: 'autoencoder',
      format: 'onnx',
      role: 'contributor',
      file: 'autoencoder.int8.onnx',
      bytes: ae.int8,
      inputName: RECON_IO.input,
      inputDims: [F],
      outputName: RECON_IO.score,
      threshold: ae.threshold,
      metrics: { validationQuantile: ae.quantile, floatBytes: ae.floatBytes, trainRows: ae.trainRows },
    });
    models.push({
      name: 'fusion',
      kind: 'fusion',
      format: 'json',
      role: 'fusion',
      file: 'fusion.json',
      bytes: encodeJson(fusion),
      threshold: fusion.threshold,
    });
    thresholds.autoencoder = ae.threshold;
    thresholds.fused = fusion.threshold;
  }
  const manifest = await writeBundle(opts.dir, {
    bundleVersion: opts.version,
    createdAt: opts.createdAt,
    featureSchema: { version: schema.version, hash: schema.hash, names: schema.names },
    models,
    thresholds,
    labelSet: model.typeLabels,
    trainingSeed: opts.trainingSeed,
  });
  await writeModelCard(opts.dir, opts.card);
  return manifest;
}

/** The model card is not pinned by the manifest (it holds timings), so it can be rewritten after a latency bench. */
export async function writeModelCard(dir: string, card: { json: unknown; markdown: string }): Promise<void> {
  await writeFile(path.join(dir, 'model-card.json'), `${JSON.stringify(card.json, null, 2)}\n`);
  await writeFile(path.join(dir, 'MODEL_CARD.md'), card.markdown);
}
