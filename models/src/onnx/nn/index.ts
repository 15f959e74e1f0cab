// NN exporters (no tfjs): autoencoder, next-event LSTM and sequence LSTM → ONNX, float or int8.
export { autoencoderToOnnx, type NnExportOptions, RECON_IO } from './autoencoder-onnx.ts';
export { autoencoderEntry, type NnEntryOptions, nextEventLstmEntry, sequenceLstmEntry } from './bundle-entries.ts';
export { KERAS_GATE_FOR_ONNX, onnxGateMatrix, onnxLstmBias, reorderGateColumns } from './lstm-graph.ts';
export { NEXT_EVENT_IO, nextEventLstmToOnnx, sequenceLstmToOnnx } from './lstm-onnx.ts';
export {
  type ActivationQuantization,
  type QuantizedMatrix,
  type QuantizeOptions,
  quantizeColumns,
  quantizeRows,
} from './quantize.ts';
export * from './types.ts';
