/*
 * Plain-data descriptions of trained networks: what the trainers (models/src/train/nn, tfjs) hand to the ONNX
 * writers here. No tfjs types, so the export side never loads a training backend. Matrices are row-major
 * Float32Arrays in Keras/tfjs layout.
 */

export type Activation = 'relu' | 'tanh' | 'linear';

/** y = act(x · kernel + bias); kernel is [inDim, outDim]. */
export interface DenseParams {
  inDim: number;
  outDim: number;
  kernel: Float32Array;
  bias?: Float32Array;
  activation: Activation;
}

/**
 * One unidirectional LSTM layer in Keras/tfjs layout: gates along the 4H axis in the order (i, f, c, o);
 * kernel [inDim, 4H], recurrent [H, 4H], one bias [4H]. Activations are Keras' with
 * recurrentActivation = 'sigmoid' (the trainer enforces it; tfjs' default is hard_sigmoid, which ONNX's
 * default LSTM does not compute).
 */
export interface LstmParams {
  inDim: number;
  units: number;
  kernel: Float32Array;
  recurrent: Float32Array;
  bias: Float32Array;
}

/**
 * The transform every NN model applies to raw feature values, carried inside the ONNX graph:
 *   y = clip((t(x) - center) / scale, -clip, clip), NaN → 0,
 * where t(x) = sign(x)·ln(1 + |x|) ("signed log1p") unless the feature is listed in `linear` (then t(x) = x).
 * Signed log1p because the features mix heavy-tailed counts (0…1e6) with signed z-scores and -1 sentinels:
 * it is the identity's slope near 0, odd (keeps sign), and compresses both tails. Features listed in
 * `indicators` also get a missing-indicator column (1 = NaN) appended after the F scaled columns, in that order.
 * All numbers are float32-representable so the TypeScript reference and the graph use identical constants.
 */
export interface ScalerParams {
  transform: 'signed-log1p';
  nFeatures: number;
  center: number[];
  scale: number[];
  clip: number;
  linear: number[];
  indicators: number[];
  featureNames?: string[];
}

/** Width of the network input after the scaler: F scaled columns + one per indicator. */
export const scaledWidth = (s: ScalerParams): number => s.nFeatures + s.indicators.length;

/**
 * Reconstruction/prediction scoring: normalized error e_d = (pred_d - target_d)² / errorVariance_d over the
 * D scaled columns; score = mean_d e_d (≈ 1 on training normals); feature_error folds each indicator column's
 * error into its feature, so explanations name raw features.
 */
export interface ReconScoring {
  errorVariance: Float32Array;
}

export interface AutoencoderSpec {
  scaler: ScalerParams;
  /** Encoder then decoder; the last layer outputs the D scaled columns (linear). */
  layers: DenseParams[];
  scoring: ReconScoring;
}

/** DeepLog-style next-event model: ids → embedding → LSTM stack → softmax over the vocabulary. */
export interface NextEventSpec {
  /** History length h: the model input is [N, h + 1] = h ids then the observed next id. */
  window: number;
  vocabSize: number;
  embeddingDim: number;
  /** [vocabSize, embeddingDim]; row 0 = padding, row 1 = unknown template. */
  embedding: Float32Array;
  lstm: LstmParams[];
  /** Logits layer (linear); Softmax is added by the exporter. */
  head: DenseParams;
}

/** LSTM over T consecutive feature vectors: steps 0..T-2 predict step T-1; scored like the autoencoder. */
export interface SequenceLstmSpec {
  steps: number;
  scaler: ScalerParams;
  lstm: LstmParams[];
  head: DenseParams;
  scoring: ReconScoring;
}

export const PAD_ID = 0;
export const UNKNOWN_ID = 1;
