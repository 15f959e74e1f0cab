import * as ort from 'onnxruntime-node';
import { FEATURE_DEFS } from '../features/feature-defs.ts';
import { autoencoderToOnnx, RECON_IO } from '../onnx/nn/autoencoder-onnx.ts';
import type { AutoencoderSpec } from '../onnx/nn/types.ts';
import type { Targets } from './detector.ts';
import { type Agreement, agreement } from './nn/agreement.ts';
import { trainAutoencoder } from './nn/autoencoder.ts';
import { thresholdAtQuantile } from './nn/recon-score.ts';
import { type RowSet, rowsIn } from './rows.ts';

/*
 * The bundle's autoencoder: trained on windows without any label from the final-fit span only (no anomaly label is
 * used; windows inside label spans are simply left out), early-stopped on the validation fold's normal windows. The
 * shipped form is the int8 ONNX export; every score used downstream (threshold, fusion calibration, evaluation) is
 * computed by ONNX Runtime on that int8 model, so training judges exactly what serving runs. The float export is
 * kept only as the reference the int8 model is compared with.
 */

export interface HostAutoencoderConfig {
  epochs: number;
  seed: number;
  /** Alert threshold = this quantile of the validation-normal reconstruction error. */
  quantile: number;
}

export const DEFAULT_HOST_AE: Omit<HostAutoencoderConfig, 'seed'> = { epochs: 20, quantile: 0.999 };

export interface HostAutoencoder {
  spec: AutoencoderSpec;
  int8: Uint8Array;
  floatBytes: number;
  threshold: number;
  quantile: number;
  epochs: number;
  bestEpoch: number;
  trainRows: number;
  validationRows: number;
  /** int8 ONNX score of every row of the dataset it was trained on (index = row). */
  scores: Float64Array;
  /** float ONNX vs tfjs, and int8 vs float ONNX (decisions at the threshold), on validation-normal rows. */
  parity: { floatVsTfjs: Agreement; int8VsFloat: Agreement };
}

/** Categorical codes are kept un-logged by the scaler. */
const CATEGORICAL = ['entity_kind', 'instance_family'];

function matrixOf(rows: RowSet, idx: number[]) {
  const F = rows.nFeatures;
  const data = new Float32Array(idx.length * F);
  for (let k = 0; k < idx.length; k++) data.set(rows.X.subarray(idx[k] * F, (idx[k] + 1) * F), k * F);
  return { data, rows: idx.length, cols: F };
}

/** Scores rows (row-major [n, F]) with an ONNX reconstruction model, in chunks, on one thread. */
export async function onnxReconScores(model: Uint8Array, X: Float32Array, n: number, F: number): Promise<Float64Array> {
  const session = await ort.InferenceSession.create(model, { intraOpNumThreads: 1, interOpNumThreads: 1 });
  try {
    const out = new Float64Array(n);
    const chunk = 8192;
    for (let s = 0; s < n; s += chunk) {
      const m = Math.min(chunk, n - s);
      const input = new ort.Tensor('float32', X.subarray(s * F, (s + m) * F), [m, F]);
      const res = await session.run({ [RECON_IO.input]: input }, [RECON_IO.score]);
      out.set(res[RECON_IO.score].data as Float32Array, s);
    }
    return out;
  } finally {
    await session.release();
  }
}

export async function trainHostAutoencoder(
  rows: RowSet,
  targets: Targets,
  plan: { fit: [number, number]; validation: [number, number] },
  cfg: HostAutoencoderConfig,
  log: (m: string) => void,
): Promise<HostAutoencoder> {
  const normal = (span: [number, number]) => rowsIn(rows, span).filter((i) => targets[i] === null);
  const fitIdx = normal(plan.fit);
  const valIdx = normal(plan.validation);
  const names = FEATURE_DEFS.map((d) => d.name);
  const linear = CATEGORICAL.map((c) => names.indexOf(c)).filter((j) => j >= 0);
  const val = matrixOf(rows, valIdx);
  const ae = await trainAutoencoder(matrixOf(rows, fitIdx), {
    validation: val,
    config: { epochs: cfg.epochs, patience: 3, seed: cfg.seed, scaler: { linear } },
    featureNames: names,
    log: (m) => log(`autoencoder: ${m}`),
  });
  try {
    const F = rows.nFeatures;
    const float = autoencoderToOnnx(ae.spec);
    const int8 = autoencoderToOnnx(ae.spec, { quantize: {} });
    const scores = await onnxReconScores(int8, rows.X, rows.length, F);
    const valScores = Float64Array.from(valIdx, (i) => scores[i]);
    const threshold = thresholdAtQuantile(valScores, cfg.quantile);
    const floatVal = await onnxReconScores(float, val.data, val.rows, F);
    const parity = {
      floatVsTfjs: agreement(floatVal, ae.score(val).score),
      int8VsFloat: agreement(valScores, floatVal, threshold),
    };
    log(
      `autoencoder: ${fitIdx.length} normal training windows, best epoch ${ae.bestEpoch}; int8 ${int8.length} B vs float ${float.length} B; threshold ${threshold.toFixed(3)} (validation-normal q${cfg.quantile})`,
    );
    return {
      spec: ae.spec,
      int8,
      floatBytes: float.length,
      threshold,
      quantile: cfg.quantile,
      epochs: ae.history.length,
      bestEpoch: ae.bestEpoch,
      trainRows: fitIdx.length,
      validationRows: valIdx.length,
      scores,
      parity,
    };
  } finally {
    ae.dispose();
  }
}
