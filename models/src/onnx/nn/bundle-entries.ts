import type { BundleModelInput } from '../bundle.ts';
import { autoencoderToOnnx, RECON_IO } from './autoencoder-onnx.ts';
import { NEXT_EVENT_IO, nextEventLstmToOnnx, sequenceLstmToOnnx } from './lstm-onnx.ts';
import type { QuantizeOptions } from './quantize.ts';
import type { AutoencoderSpec, NextEventSpec, SequenceLstmSpec } from './types.ts';

/*
 * Bundle entries for the NN models, int8 by default (the shipped form; float exports are test references).
 * The project's alert rule is score ≥ threshold: for the autoencoder and sequence LSTM the score is the
 * normalized error; for the next-event LSTM it is the observed event's rank, so threshold g means "not in top-g".
 */

export interface NnEntryOptions {
  name: string;
  file: string;
  threshold?: number;
  entity?: string;
  quantize?: QuantizeOptions | false;
  metrics?: Record<string, number>;
}

const quantizeOf = (o: NnEntryOptions) => (o.quantize === undefined ? {} : o.quantize);

function common(o: NnEntryOptions) {
  return {
    name: o.name,
    format: 'onnx' as const,
    file: o.file,
    ...(o.threshold !== undefined ? { threshold: o.threshold } : {}),
    ...(o.entity ? { entity: o.entity } : {}),
    ...(o.metrics ? { metrics: o.metrics } : {}),
  };
}

export function autoencoderEntry(spec: AutoencoderSpec, o: NnEntryOptions): BundleModelInput {
  return {
    ...common(o),
    kind: 'autoencoder',
    bytes: autoencoderToOnnx(spec, { quantize: quantizeOf(o) }),
    inputName: RECON_IO.input,
    inputDims: [spec.scaler.nFeatures],
    outputName: RECON_IO.score,
  };
}

export function sequenceLstmEntry(spec: SequenceLstmSpec, o: NnEntryOptions): BundleModelInput {
  return {
    ...common(o),
    kind: 'lstm',
    bytes: sequenceLstmToOnnx(spec, { quantize: quantizeOf(o) }),
    inputName: RECON_IO.input,
    inputDims: [spec.steps, spec.scaler.nFeatures],
    outputName: RECON_IO.score,
  };
}

/** `labels` = the vocabulary's template ids (index = id), so a reader can map ids back to templates. */
export function nextEventLstmEntry(spec: NextEventSpec, labels: string[], o: NnEntryOptions): BundleModelInput {
  if (labels.length !== spec.vocabSize)
    throw new RangeError(`${labels.length} labels for vocabulary ${spec.vocabSize}`);
  return {
    ...common(o),
    kind: 'lstm',
    bytes: nextEventLstmToOnnx(spec, { quantize: quantizeOf(o) }),
    inputName: NEXT_EVENT_IO.input,
    inputDims: [spec.window + 1],
    outputName: NEXT_EVENT_IO.rank,
    labels,
  };
}
