// Autoencoder and LSTM training with tfjs (wasm backend), plus the DeepLog evaluation helpers.
export {
  type AutoencoderConfig,
  AutoencoderConfigSchema,
  type TrainAutoencoderOptions,
  type TrainedAutoencoder,
  trainAutoencoder,
} from './autoencoder.ts';
export {
  type Confusion,
  confusion,
  type DeepLogEvalOptions,
  type DeepLogEvalResult,
  type EvalSession,
  evaluateDeepLog,
} from './deeplog-eval.ts';
export {
  evaluateLoghubBgl,
  evaluateLoghubHdfs,
  formatLoghubReport,
  type LoghubEvalOptions,
  type LoghubReport,
  PUBLISHED_DEEPLOG_BGL_F1,
} from './deeplog-loghub.ts';
export {
  type NextEventConfig,
  NextEventConfigSchema,
  type TrainedNextEventLstm,
  type TrainNextEventOptions,
  trainNextEventLstm,
} from './lstm.ts';
export { checkMatrix, type Matrix, selectRows } from './matrix.ts';
export { errorVariance, type ReconResult, reconScores, thresholdAtQuantile, topFeatures } from './recon-score.ts';
export { fitScaler, type ScalerConfig, ScalerConfigSchema, signedLog1p, transformRows } from './scaler.ts';
export {
  type SequenceLstmConfig,
  SequenceLstmConfigSchema,
  type SequenceWindows,
  slidingSequences,
  type TrainedSequenceLstm,
  trainSequenceLstm,
} from './sequence-lstm.ts';
export { initTfBackend, type TfBackend } from './tf-backend.ts';
export {
  buildVocabulary,
  encodeTemplates,
  type NextEventSamples,
  nextEventSamples,
  observedRanks,
  type Vocabulary,
  vocabularyIndex,
} from './vocabulary.ts';
