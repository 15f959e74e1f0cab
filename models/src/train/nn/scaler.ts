import { type Static, Type } from '@sinclair/typebox';
import { checkScaler } from '../../onnx/nn/preprocess-graph.ts';
import { type ScalerParams, scaledWidth } from '../../onnx/nn/types.ts';
import { compileValidator } from '../../schema/validate.ts';
import { checkMatrix, type Matrix } from './matrix.ts';

/*
 * Robust per-feature scaling fitted on training (normal) rows; the exported graph applies the same transform
 * (models/src/onnx/nn/preprocess-graph.ts), so serving takes raw features. See ScalerParams for the formula.
 * center = median and scale = IQR / 1.349 (the normal-consistent σ) of t(x) over the finite training values;
 * when the IQR is 0 (mostly-constant counts) the standard deviation stands in, then 1, and scale is floored at
 * `minScale` so a feature that was almost always 0 cannot blow a single count up to the clip bound on its own.
 */

export const ScalerConfigSchema = Type.Object(
  {
    clip: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 1e6, description: 'bound after scaling' })),
    minScale: Type.Optional(Type.Number({ exclusiveMinimum: 0, description: 'floor of the scale (log units)' })),
    linear: Type.Optional(Type.Array(Type.Integer({ minimum: 0 }), { description: 'features left un-logged' })),
    missingIndicators: Type.Optional(
      Type.Union([Type.Literal('auto'), Type.Literal('none')], {
        description: 'auto = an indicator column for every feature with a NaN in training',
      }),
    ),
  },
  { additionalProperties: false },
);
export type ScalerConfig = Static<typeof ScalerConfigSchema>;

const checkConfig = compileValidator(ScalerConfigSchema);

/** t(x) as the graph computes it: sign(x)·Log(1 + |x|) in float32. */
export function signedLog1p(x: number): number {
  const l = Math.fround(Math.log(Math.fround(1 + Math.abs(x))));
  return x < 0 ? -l : l;
}

function quantile(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const pos = q * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

function robustStats(values: Float64Array, minScale: number): { center: number; scale: number } {
  if (values.length === 0) return { center: 0, scale: 1 };
  values.sort();
  const center = quantile(values, 0.5);
  let scale = (quantile(values, 0.75) - quantile(values, 0.25)) / 1.349;
  if (!(scale > 0)) {
    let ss = 0;
    for (const v of values) ss += (v - center) ** 2;
    scale = Math.sqrt(ss / values.length);
  }
  if (!(scale > 0)) scale = 1;
  return { center: Math.fround(center), scale: Math.fround(Math.max(scale, minScale)) };
}

export function fitScaler(train: Matrix, config: ScalerConfig = {}, featureNames?: string[]): ScalerParams {
  checkConfig(config, 'scaler config');
  checkMatrix(train, 'scaler training rows');
  if (train.rows === 0) throw new RangeError('scaler: no training rows');
  const F = train.cols;
  const linear = [...new Set(config.linear ?? [])].sort((a, b) => a - b);
  const isLinear = new Uint8Array(F);
  for (const j of linear) {
    if (j >= F) throw new RangeError(`scaler config: linear names feature ${j}, outside 0..${F - 1}`);
    isLinear[j] = 1;
  }
  const minScale = config.minScale ?? 0.1;
  const center: number[] = [];
  const scale: number[] = [];
  const indicators: number[] = [];
  const column = new Float64Array(train.rows);
  for (let j = 0; j < F; j++) {
    let n = 0;
    let nan = 0;
    for (let r = 0; r < train.rows; r++) {
      const x = train.data[r * F + j];
      if (Number.isNaN(x)) nan++;
      else if (Number.isFinite(x)) column[n++] = isLinear[j] ? x : signedLog1p(x);
    }
    const stats = robustStats(column.slice(0, n), minScale);
    center.push(stats.center);
    scale.push(stats.scale);
    if (nan > 0 && (config.missingIndicators ?? 'auto') === 'auto') indicators.push(j);
  }
  const params: ScalerParams = {
    transform: 'signed-log1p',
    nFeatures: F,
    center,
    scale,
    clip: Math.fround(config.clip ?? 10),
    linear,
    indicators,
    ...(featureNames ? { featureNames: [...featureNames] } : {}),
  };
  checkScaler(params);
  return params;
}

/**
 * The TypeScript twin of the graph's scaler: `nVectors` raw F-vectors → D-vectors (F scaled columns, then
 * the indicator columns). Used to build training tensors and as the parity reference.
 */
export function transformRows(s: ScalerParams, data: Float32Array, nVectors: number): Float32Array {
  const F = s.nFeatures;
  const D = scaledWidth(s);
  if (data.length !== nVectors * F) throw new RangeError(`scaler: ${data.length} values for ${nVectors}×${F}`);
  const isLinear = new Uint8Array(F);
  for (const j of s.linear) isLinear[j] = 1;
  const out = new Float32Array(nVectors * D);
  for (let r = 0; r < nVectors; r++) {
    for (let j = 0; j < F; j++) {
      const x = data[r * F + j];
      if (Number.isNaN(x)) continue; // 0 = the training median
      const t = isLinear[j] ? x : signedLog1p(x);
      const z = Math.fround(Math.fround(t - s.center[j]) / s.scale[j]);
      out[r * D + j] = Math.min(s.clip, Math.max(-s.clip, z));
    }
    s.indicators.forEach((j, m) => {
      out[r * D + F + m] = Number.isNaN(data[r * F + j]) ? 1 : 0;
    });
  }
  return out;
}
