import { type Static, Type } from '@sinclair/typebox';
import type { Activation, AutoencoderSpec, DenseParams } from '../../onnx/nn/types.ts';
import { compileValidator } from '../../schema/validate.ts';
import { checkMatrix, type Matrix } from './matrix.ts';
import { mulberry32 } from './random.ts';
import { errorVariance, type ReconResult, reconScores } from './recon-score.ts';
import { fitScaler, ScalerConfigSchema, transformRows } from './scaler.ts';
import { initTfBackend, type TfBackend, tf } from './tf-backend.ts';
import { denseParams, disposeModel, disposingOnError, initializeWeights, predictRows } from './tf-weights.ts';
import { type BatchSource, type EpochLog, fitModel } from './train-loop.ts';

/*
 * Dense autoencoder over window feature vectors, trained only on rows the caller marks normal (and, for an
 * honest evaluation, from earlier time than anything it is tested on). No anomaly labels are used. The score is
 * the normalized reconstruction error (recon-score.ts); the ONNX export computes the same thing in-graph.
 */

export const AutoencoderConfigSchema = Type.Object(
  {
    hidden: Type.Optional(
      Type.Array(Type.Integer({ minimum: 1, maximum: 4096 }), {
        minItems: 1,
        maxItems: 6,
        description: 'encoder widths, bottleneck last; the decoder mirrors them',
      }),
    ),
    activation: Type.Optional(Type.Union([Type.Literal('relu'), Type.Literal('tanh')])),
    epochs: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000 })),
    batchSize: Type.Optional(Type.Integer({ minimum: 1, maximum: 65_536 })),
    learningRate: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 1 })),
    patience: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
    seed: Type.Optional(Type.Integer({ minimum: 0, maximum: 2 ** 31 - 1 })),
    scaler: Type.Optional(ScalerConfigSchema),
  },
  { additionalProperties: false },
);
export type AutoencoderConfig = Static<typeof AutoencoderConfigSchema>;
export type ResolvedAutoencoderConfig = Required<Omit<AutoencoderConfig, 'scaler'>> & Pick<AutoencoderConfig, 'scaler'>;

const DEFAULTS: Omit<ResolvedAutoencoderConfig, 'scaler'> = {
  hidden: [32, 8],
  activation: 'tanh',
  epochs: 50,
  batchSize: 256,
  learningRate: 1e-3,
  patience: 5,
  seed: 0,
};
const checkConfig = compileValidator(AutoencoderConfigSchema);

export interface TrainAutoencoderOptions {
  /** Normal rows held out (later in time than `train`) for early stopping and the threshold. */
  validation?: Matrix;
  config?: AutoencoderConfig;
  featureNames?: string[];
  log?: (line: string) => void;
}

export interface TrainedAutoencoder {
  spec: AutoencoderSpec;
  config: ResolvedAutoencoderConfig;
  history: EpochLog[];
  bestEpoch: number;
  backend: TfBackend;
  trainMs: number;
  /** Scores computed through tfjs (the reference the ONNX export is tested against). */
  score(rows: Matrix): ReconResult;
  dispose(): void;
}

function layerWidths(D: number, hidden: number[]): number[] {
  return [D, ...hidden, ...hidden.slice(0, -1).reverse(), D];
}

function buildModel(widths: number[], activation: Activation): tf.Sequential {
  const model = tf.sequential();
  for (let i = 1; i < widths.length; i++) {
    const last = i === widths.length - 1;
    model.add(
      tf.layers.dense({
        units: widths[i],
        activation: last ? 'linear' : activation,
        kernelInitializer: 'zeros',
        ...(i === 1 ? { inputShape: [widths[0]] } : {}),
      }),
    );
  }
  return model;
}

function reconSource(scaled: Float32Array, n: number, D: number): BatchSource {
  return {
    size: n,
    batch(rows) {
      const x = new Float32Array(rows.length * D);
      rows.forEach((r, i) => {
        x.set(scaled.subarray(r * D, (r + 1) * D), i * D);
      });
      const t = tf.tensor2d(x, [rows.length, D]);
      return { x: t, y: t.clone() };
    },
  };
}

export async function trainAutoencoder(train: Matrix, opts: TrainAutoencoderOptions = {}): Promise<TrainedAutoencoder> {
  const config = { ...DEFAULTS, ...checkConfig(opts.config ?? {}, 'autoencoder config') };
  checkMatrix(train, 'autoencoder training rows');
  if (opts.validation) checkMatrix(opts.validation, 'autoencoder validation rows');
  if (opts.validation && opts.validation.cols !== train.cols) {
    throw new RangeError(`validation has ${opts.validation.cols} columns, training ${train.cols}`);
  }
  const backend = await initTfBackend(opts.log);
  const started = performance.now();
  const scaler = fitScaler(train, config.scaler, opts.featureNames);
  const D = scaler.nFeatures + scaler.indicators.length;
  const scaled = transformRows(scaler, train.data, train.rows);
  const widths = layerWidths(D, config.hidden);
  const model = buildModel(widths, config.activation);
  initializeWeights(model, config.seed);
  model.compile({ optimizer: tf.train.adam(config.learningRate), loss: 'meanSquaredError' });
  const val = opts.validation;
  const valSource = val ? reconSource(transformRows(scaler, val.data, val.rows), val.rows, D) : undefined;
  const rng = mulberry32(config.seed ^ 0x5eed);
  const trainSource = reconSource(scaled, train.rows, D);
  const { history, bestEpoch } = await disposingOnError(model, () =>
    fitModel(model, trainSource, valSource, config, rng, opts.log),
  );
  const layers: DenseParams[] = model.layers.map((l, i) =>
    denseParams(l, i === model.layers.length - 1 ? 'linear' : config.activation),
  );
  const recon = predictRows(model, scaled, [train.rows, D]);
  const spec: AutoencoderSpec = {
    scaler,
    layers,
    scoring: { errorVariance: errorVariance(recon, scaled, train.rows, D) },
  };
  return {
    spec,
    config,
    history,
    bestEpoch,
    backend,
    trainMs: performance.now() - started,
    score(rows: Matrix): ReconResult {
      checkMatrix(rows, 'autoencoder rows to score');
      const x = transformRows(scaler, rows.data, rows.rows);
      return reconScores(predictRows(model, x, [rows.rows, D]), x, rows.rows, scaler, spec.scoring.errorVariance);
    },
    dispose: () => disposeModel(model),
  };
}
