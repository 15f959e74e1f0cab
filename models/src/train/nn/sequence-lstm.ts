import { type Static, Type } from '@sinclair/typebox';
import type { SequenceLstmSpec } from '../../onnx/nn/types.ts';
import { compileValidator } from '../../schema/validate.ts';
import { addLstmStack } from './lstm.ts';
import { checkMatrix, type Matrix } from './matrix.ts';
import { mulberry32 } from './random.ts';
import { errorVariance, type ReconResult, reconScores } from './recon-score.ts';
import { fitScaler, ScalerConfigSchema, transformRows } from './scaler.ts';
import { initTfBackend, type TfBackend, tf } from './tf-backend.ts';
import {
  denseParams,
  disposeModel,
  disposingOnError,
  initializeWeights,
  lstmParams,
  predictRows,
} from './tf-weights.ts';
import { type BatchSource, type EpochLog, fitModel } from './train-loop.ts';

/*
 * LSTM over T consecutive window-feature vectors of one entity: the first T-1 steps predict step T-1 and the
 * prediction error is scored like the autoencoder's reconstruction error (same scaler, same normalization), so
 * it catches "this window is unusual given the last few" rather than "unusual in itself". Train on normal
 * sequences from earlier time only.
 */

export const SequenceLstmConfigSchema = Type.Object(
  {
    units: Type.Optional(Type.Integer({ minimum: 1, maximum: 1024 })),
    layers: Type.Optional(Type.Integer({ minimum: 1, maximum: 4 })),
    epochs: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000 })),
    batchSize: Type.Optional(Type.Integer({ minimum: 1, maximum: 65_536 })),
    learningRate: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 1 })),
    patience: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
    seed: Type.Optional(Type.Integer({ minimum: 0, maximum: 2 ** 31 - 1 })),
    scaler: Type.Optional(ScalerConfigSchema),
  },
  { additionalProperties: false },
);
export type SequenceLstmConfig = Static<typeof SequenceLstmConfigSchema>;
type Resolved = Required<Omit<SequenceLstmConfig, 'scaler'>> & Pick<SequenceLstmConfig, 'scaler'>;

const DEFAULTS: Omit<Resolved, 'scaler'> = {
  units: 32,
  layers: 1,
  epochs: 40,
  batchSize: 256,
  learningRate: 2e-3,
  patience: 5,
  seed: 0,
};
const checkConfig = compileValidator(SequenceLstmConfigSchema);

/** n windows of `steps` consecutive F-vectors, row-major [n, steps, features]. */
export interface SequenceWindows {
  data: Float32Array;
  n: number;
  steps: number;
  features: number;
}

/** All windows of `steps` consecutive rows of one entity's chronologically ordered feature rows. */
export function slidingSequences(rows: Matrix, steps: number): SequenceWindows {
  checkMatrix(rows, 'sequence rows');
  if (!Number.isInteger(steps) || steps < 2) throw new RangeError(`steps ${steps} must be an integer ≥ 2`);
  const n = Math.max(0, rows.rows - steps + 1);
  const F = rows.cols;
  const data = new Float32Array(n * steps * F);
  for (let i = 0; i < n; i++) data.set(rows.data.subarray(i * F, (i + steps) * F), i * steps * F);
  return { data, n, steps, features: F };
}

function checkWindows(w: SequenceWindows, where: string): void {
  if (w.data.length !== w.n * w.steps * w.features) {
    throw new RangeError(`${where}: ${w.data.length} values for ${w.n}×${w.steps}×${w.features}`);
  }
}

/** Scaled history [n, T-1, D] and target [n, D] of every window. */
function split(scaled: Float32Array, n: number, T: number, D: number) {
  const history = new Float32Array(n * (T - 1) * D);
  const target = new Float32Array(n * D);
  for (let i = 0; i < n; i++) {
    history.set(scaled.subarray(i * T * D, (i * T + T - 1) * D), i * (T - 1) * D);
    target.set(scaled.subarray((i * T + T - 1) * D, (i + 1) * T * D), i * D);
  }
  return { history, target };
}

function source(history: Float32Array, target: Float32Array, n: number, T: number, D: number): BatchSource {
  const step = (T - 1) * D;
  return {
    size: n,
    batch(rows) {
      const x = new Float32Array(rows.length * step);
      const y = new Float32Array(rows.length * D);
      rows.forEach((r, i) => {
        x.set(history.subarray(r * step, (r + 1) * step), i * step);
        y.set(target.subarray(r * D, (r + 1) * D), i * D);
      });
      return { x: tf.tensor3d(x, [rows.length, T - 1, D]), y: tf.tensor2d(y, [rows.length, D]) };
    },
  };
}

export interface TrainedSequenceLstm {
  spec: SequenceLstmSpec;
  config: Resolved;
  history: EpochLog[];
  bestEpoch: number;
  backend: TfBackend;
  trainMs: number;
  score(windows: SequenceWindows): ReconResult;
  dispose(): void;
}

export async function trainSequenceLstm(
  train: SequenceWindows,
  opts: {
    validation?: SequenceWindows;
    config?: SequenceLstmConfig;
    featureNames?: string[];
    log?: (l: string) => void;
  } = {},
): Promise<TrainedSequenceLstm> {
  const config = { ...DEFAULTS, ...checkConfig(opts.config ?? {}, 'sequence LSTM config') };
  checkWindows(train, 'sequence LSTM training windows');
  const { steps: T, features: F } = train;
  if (opts.validation) checkWindows(opts.validation, 'sequence LSTM validation windows');
  if (opts.validation && (opts.validation.steps !== T || opts.validation.features !== F)) {
    throw new RangeError(`validation windows are ${opts.validation.steps}×${opts.validation.features}, not ${T}×${F}`);
  }
  const backend = await initTfBackend(opts.log);
  const started = performance.now();
  const scaler = fitScaler({ data: train.data, rows: train.n * T, cols: F }, config.scaler, opts.featureNames);
  const D = F + scaler.indicators.length;
  const prepare = (w: SequenceWindows) => split(transformRows(scaler, w.data, w.n * T), w.n, T, D);
  const t = prepare(train);
  const model = tf.sequential();
  addLstmStack(model, config.units, config.layers, [T - 1, D]);
  model.add(tf.layers.dense({ units: D, kernelInitializer: 'zeros' }));
  initializeWeights(model, config.seed);
  model.compile({ optimizer: tf.train.adam(config.learningRate), loss: 'meanSquaredError' });
  const v = opts.validation ? prepare(opts.validation) : undefined;
  const valSource = v && opts.validation ? source(v.history, v.target, opts.validation.n, T, D) : undefined;
  const rng = mulberry32(config.seed ^ 0x5eed);
  const trainSource = source(t.history, t.target, train.n, T, D);
  const fit = await disposingOnError(model, () => fitModel(model, trainSource, valSource, config, rng, opts.log));
  const pred = predictRows(model, t.history, [train.n, T - 1, D]);
  const spec: SequenceLstmSpec = {
    steps: T,
    scaler,
    lstm: model.layers.slice(0, -1).map(lstmParams),
    head: denseParams(model.layers.at(-1)!, 'linear'),
    scoring: { errorVariance: errorVariance(pred, t.target, train.n, D) },
  };
  return {
    spec,
    config,
    ...fit,
    backend,
    trainMs: performance.now() - started,
    score(windows: SequenceWindows): ReconResult {
      checkWindows(windows, 'sequence windows to score');
      if (windows.steps !== T || windows.features !== F) {
        throw new RangeError(`windows are ${windows.steps}×${windows.features}, the model takes ${T}×${F}`);
      }
      const w = prepare(windows);
      const p = predictRows(model, w.history, [windows.n, T - 1, D]);
      return reconScores(p, w.target, windows.n, scaler, spec.scoring.errorVariance);
    },
    dispose: () => disposeModel(model),
  };
}
