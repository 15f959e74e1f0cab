import { attr } from '../graph.ts';
import { type NnExportOptions, nnMetadata, RECON_IO } from './autoencoder-onnx.ts';
import { checkDense, denseNodes } from './dense-graph.ts';
import { CAST, GraphBuilder } from './graph-builder.ts';
import { lstmStackNodes } from './lstm-graph.ts';
import { scalerNodes } from './preprocess-graph.ts';
import { quantizedGatherNodes, quantizeRows } from './quantize.ts';
import { reconScoringNodes } from './recon-head.ts';
import { type LstmParams, type NextEventSpec, type SequenceLstmSpec, scaledWidth, UNKNOWN_ID } from './types.ts';

export const NEXT_EVENT_IO = { input: 'input', probabilities: 'probabilities', rank: 'rank' } as const;

/** Float ids → int64 in [0, V): anything negative, ≥ V or NaN becomes the unknown-template id. */
function sanitizeIds(g: GraphBuilder, ids: string, vocabSize: number): string {
  const valid = g.op('And', [g.op('GreaterOrEqual', [ids, g.scalar(0)]), g.op('Less', [ids, g.scalar(vocabSize)])]);
  return g.op('Cast', [g.op('Where', [valid, ids, g.scalar(UNKNOWN_ID)])], { to: attr.int(CAST.int64) });
}

function checkHeadInput(inDim: number, lstm: LstmParams[]): void {
  const units = lstm.at(-1)?.units;
  if (inDim !== units) throw new RangeError(`head takes ${inDim} inputs, the last LSTM layer has ${units} units`);
}

const toTimeMajor = (g: GraphBuilder, x: string) => g.op('Transpose', [x], { perm: attr.ints([1, 0, 2]) });

/** The quantization the LSTM layers get: none for float exports or when the caller keeps the LSTM float. */
function lstmQuantization(opts: NnExportOptions) {
  return opts.quantize && opts.quantize.lstm !== 'float' ? opts.quantize : undefined;
}

/**
 * DeepLog next-event model → ONNX. Input [N, h + 1] float: the h previous template ids, then the observed next
 * id (ids as produced by the trainer's vocabulary; 0 = padding, 1 = unknown). Outputs probabilities [N, V] over
 * the next id, and rank [N] = how many ids are strictly more probable than the observed one: the event is
 * anomalous when rank ≥ g (not among the top-g predictions).
 */
export function nextEventLstmToOnnx(spec: NextEventSpec, opts: NnExportOptions = {}): Uint8Array {
  const { window: h, vocabSize: V, embeddingDim: E } = spec;
  if (!Number.isInteger(h) || h < 1) throw new RangeError(`next-event window ${h} must be a positive integer`);
  if (spec.embedding.length !== V * E)
    throw new RangeError(`embedding has ${spec.embedding.length} values, not ${V}×${E}`);
  if (spec.lstm[0]?.inDim !== E) throw new RangeError(`first LSTM layer takes ${spec.lstm[0]?.inDim} inputs, not ${E}`);
  checkDense(spec.head, 'next-event head');
  if (spec.head.outDim !== V || spec.head.activation !== 'linear') {
    throw new RangeError(`next-event head must be linear with ${V} outputs (has ${spec.head.outDim})`);
  }
  checkHeadInput(spec.head.inDim, spec.lstm);
  const quant = opts.quantize || undefined;
  const g = new GraphBuilder();
  const x = NEXT_EVENT_IO.input;
  const history = sanitizeIds(g, g.op('Slice', [x, g.i64([0]), g.i64([h]), g.i64([1])]), V);
  const next = sanitizeIds(g, g.op('Slice', [x, g.i64([h]), g.i64([h + 1]), g.i64([1])]), V);
  const embedded = quant
    ? quantizedGatherNodes(g, history, quantizeRows(spec.embedding, V, E))
    : g.op('Gather', [g.f32('embedding', [V, E], spec.embedding), history]);
  const last = lstmStackNodes(g, toTimeMajor(g, embedded), spec.lstm, lstmQuantization(opts));
  const probs = g.op('Softmax', [denseNodes(g, last, spec.head, quant)], { axis: attr.int(-1) });
  const observed = g.op('GatherElements', [probs, next], { axis: attr.int(1) });
  const above = g.op('Cast', [g.op('Greater', [probs, observed])], { to: attr.int(CAST.float) });
  g.output(probs, NEXT_EVENT_IO.probabilities);
  g.output(g.op('ReduceSum', [above, g.i64([1])], { keepdims: attr.int(0) }), NEXT_EVENT_IO.rank);
  return g.build({
    inputs: [{ name: x, type: 'float', shape: ['N', h + 1] }],
    outputs: [
      { name: NEXT_EVENT_IO.probabilities, type: 'float', shape: ['N', V] },
      { name: NEXT_EVENT_IO.rank, type: 'float', shape: ['N'] },
    ],
    graphName: 'vigil_next_event_lstm',
    doc: opts.doc ?? 'Vigil DeepLog-style next-event LSTM over template ids',
    metadata: { ...nnMetadata('lstm-next-event', undefined, opts), 'vigil.window': String(h) },
  });
}

/**
 * Sequence LSTM → ONNX. Input [N, T, F] raw feature vectors of T consecutive windows; steps 0..T-2 predict
 * step T-1. Outputs score [N] and feature_error [N, F] exactly like the autoencoder.
 */
export function sequenceLstmToOnnx(spec: SequenceLstmSpec, opts: NnExportOptions = {}): Uint8Array {
  const T = spec.steps;
  const D = scaledWidth(spec.scaler);
  const F = spec.scaler.nFeatures;
  if (!Number.isInteger(T) || T < 2) throw new RangeError(`sequence LSTM: steps ${T} must be ≥ 2`);
  if (spec.lstm[0]?.inDim !== D) throw new RangeError(`first LSTM layer takes ${spec.lstm[0]?.inDim} inputs, not ${D}`);
  if (spec.head.outDim !== D) throw new RangeError(`sequence head outputs ${spec.head.outDim} columns, not ${D}`);
  checkDense(spec.head, 'sequence head');
  checkHeadInput(spec.head.inDim, spec.lstm);
  const quant = opts.quantize || undefined;
  const g = new GraphBuilder();
  const scaled = scalerNodes(g, RECON_IO.input, spec.scaler);
  const history = g.op('Slice', [scaled, g.i64([0]), g.i64([T - 1]), g.i64([1])]);
  const target = g.op('Squeeze', [g.op('Slice', [scaled, g.i64([T - 1]), g.i64([T]), g.i64([1])]), g.i64([1])]);
  const last = lstmStackNodes(g, toTimeMajor(g, history), spec.lstm, lstmQuantization(opts));
  const pred = denseNodes(g, last, spec.head, quant);
  const { score, featureError } = reconScoringNodes(g, pred, target, spec.scoring, spec.scaler);
  g.output(score, RECON_IO.score);
  g.output(featureError, RECON_IO.featureError);
  return g.build({
    inputs: [{ name: RECON_IO.input, type: 'float', shape: ['N', T, F] }],
    outputs: [
      { name: RECON_IO.score, type: 'float', shape: ['N'] },
      { name: RECON_IO.featureError, type: 'float', shape: ['N', F] },
    ],
    graphName: 'vigil_sequence_lstm',
    doc: opts.doc ?? 'Vigil sequence LSTM: T raw feature windows → next-window prediction error score',
    metadata: { ...nnMetadata('lstm-sequence', spec.scaler, opts), 'vigil.steps': String(T) },
  });
}
