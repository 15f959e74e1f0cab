import { denseStackNodes } from './dense-graph.ts';
import { GraphBuilder } from './graph-builder.ts';
import { scalerNodes } from './preprocess-graph.ts';
import type { QuantizeOptions } from './quantize.ts';
import { reconScoringNodes } from './recon-head.ts';
import { type AutoencoderSpec, type ScalerParams, scaledWidth } from './types.ts';

export interface NnExportOptions {
  /** Omit or false for a float model (kept as a test reference); an object for int8 weights. */
  quantize?: QuantizeOptions | false;
  doc?: string;
  metadata?: Record<string, string>;
}

/** I/O names shared by the reconstruction-scored models (autoencoder, sequence LSTM). */
export const RECON_IO = { input: 'input', score: 'score', featureError: 'feature_error' } as const;

export function quantizationLabel(opts: NnExportOptions): string {
  if (!opts.quantize) return 'float32';
  const q = opts.quantize;
  return `int8: ${q.weightBits ?? 7}-bit per-channel symmetric weights, ${q.activations ?? 'per-row'} uint8 activations`;
}

/** Metadata every NN model carries: what it is, how it was quantized, and the transform applied to raw rows. */
export function nnMetadata(kind: string, scaler: ScalerParams | undefined, opts: NnExportOptions) {
  return {
    'vigil.kind': kind,
    'vigil.quantization': quantizationLabel(opts),
    ...(scaler ? { 'vigil.scaler': JSON.stringify(scaler) } : {}),
    ...(scaler?.featureNames ? { 'vigil.feature_names': JSON.stringify(scaler.featureNames) } : {}),
    ...opts.metadata,
  };
}

/**
 * Autoencoder → ONNX taking RAW features: input [N, F] (NaN = missing) → scaler → dense stack →
 * score [N] and feature_error [N, F], all inside the graph.
 */
export function autoencoderToOnnx(spec: AutoencoderSpec, opts: NnExportOptions = {}): Uint8Array {
  const D = scaledWidth(spec.scaler);
  const first = spec.layers[0];
  const last = spec.layers.at(-1);
  if (!first || !last) throw new RangeError('autoencoder: no layers');
  if (first.inDim !== D || last.outDim !== D) {
    throw new RangeError(`autoencoder: layers map ${first.inDim} → ${last.outDim}, the scaled input has ${D} columns`);
  }
  const g = new GraphBuilder();
  const scaled = scalerNodes(g, RECON_IO.input, spec.scaler);
  const recon = denseStackNodes(g, scaled, spec.layers, opts.quantize || undefined);
  const { score, featureError } = reconScoringNodes(g, recon, scaled, spec.scoring, spec.scaler);
  g.output(score, RECON_IO.score);
  g.output(featureError, RECON_IO.featureError);
  const F = spec.scaler.nFeatures;
  return g.build({
    inputs: [{ name: RECON_IO.input, type: 'float', shape: ['N', F] }],
    outputs: [
      { name: RECON_IO.score, type: 'float', shape: ['N'] },
      { name: RECON_IO.featureError, type: 'float', shape: ['N', F] },
    ],
    graphName: 'vigil_autoencoder',
    doc: opts.doc ?? 'Vigil autoencoder: raw window features → reconstruction-error anomaly score',
    metadata: nnMetadata('autoencoder', spec.scaler, opts),
  });
}
