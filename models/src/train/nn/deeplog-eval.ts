import { UNKNOWN_ID } from '../../onnx/nn/types.ts';
import { type NextEventConfig, type TrainedNextEventLstm, trainNextEventLstm } from './lstm.ts';
import { buildVocabulary, encodeTemplates, nextEventSamples, observedRanks, vocabularyIndex } from './vocabulary.ts';

/*
 * DeepLog evaluation with a chronological split (Le & Zhang, ICSE 2022: random splits leak the future). Sessions
 * arrive in time order; the first `trainFraction` train the model (only normal ones when labels exist, as in
 * DeepLog), the rest are scored. A session is flagged when any event is not among the top-g predictions given
 * its previous h events, or is a template never seen in training.
 */

export interface EvalSession {
  templates: string[];
  /** true = anomalous; omit when unlabelled. */
  label?: boolean;
}

export interface DeepLogEvalOptions {
  trainFraction?: number;
  topG?: number;
  /** Of the training sessions, the latest fraction is held out for early stopping (default 0.1). */
  validationFraction?: number;
  trainOnNormalOnly?: boolean;
  config?: NextEventConfig;
  log?: (line: string) => void;
}

export interface Confusion {
  g: number;
  tp: number;
  fp: number;
  fn: number;
  tn: number;
  precision: number;
  recall: number;
  f1: number;
}

export interface DeepLogEvalResult {
  trainSessions: number;
  testSessions: number;
  testAnomalous: number | null;
  vocabSize: number;
  /** Test events whose template never occurred in training. */
  unseenTestEvents: number;
  g: number;
  flagged: number;
  /** null when the sessions carry no labels. */
  metrics: Confusion | null;
  /** Flagging only on events with templates seen in training (how much the LSTM adds beyond "new template"). */
  metricsKnownOnly: Confusion | null;
  /** F1 of flagging every test session: the floor any detector must beat. */
  allFlaggedF1: number | null;
  /** The same at other g, for reference only: picking g from this table is tuning on the test set. */
  sweep: Confusion[];
  backend: string;
  trainMs: number;
  epochs: number;
}

export function confusion(flags: Uint8Array, labels: readonly boolean[], g: number): Confusion {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  let tn = 0;
  flags.forEach((f, i) => {
    if (f && labels[i]) tp++;
    else if (f) fp++;
    else if (labels[i]) fn++;
    else tn++;
  });
  const precision = tp + fp > 0 ? tp / (tp + fp) : 0;
  const recall = tp + fn > 0 ? tp / (tp + fn) : 0;
  const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
  return { g, tp, fp, fn, tn, precision, recall, f1 };
}

/**
 * Per test session, the worst (largest) observed-event rank: `all` counts an unseen template as rank ∞ (DeepLog's
 * rule); `known` only looks at events whose template was seen in training (the LSTM's own evidence).
 */
function worstRanks(model: TrainedNextEventLstm, sessions: Int32Array[]) {
  const all = new Float64Array(sessions.length);
  const known = new Float64Array(sessions.length);
  sessions.forEach((s, i) => {
    if (s.includes(UNKNOWN_ID)) all[i] = Number.POSITIVE_INFINITY;
  });
  const samples = nextEventSamples(sessions, model.config.window);
  const ranks = observedRanks(model.predict(samples.history, samples.n), model.spec.vocabSize, samples.next);
  ranks.forEach((r, k) => {
    const s = samples.session[k];
    all[s] = Math.max(all[s], r);
    if (samples.next[k] !== UNKNOWN_ID) known[s] = Math.max(known[s], r);
  });
  return { all, known };
}

export async function evaluateDeepLog(
  sessions: EvalSession[],
  opts: DeepLogEvalOptions = {},
): Promise<DeepLogEvalResult> {
  const trainFraction = opts.trainFraction ?? 0.8;
  const g = opts.topG ?? 9;
  if (!(trainFraction > 0 && trainFraction < 1)) throw new RangeError(`trainFraction ${trainFraction} not in (0, 1)`);
  if (!Number.isInteger(g) || g < 1) throw new RangeError(`topG ${g} must be a positive integer`);
  const cut = Math.floor(sessions.length * trainFraction);
  const labelled = sessions.every((s) => s.label !== undefined);
  const normalOnly = (opts.trainOnNormalOnly ?? true) && labelled;
  const trainPart = sessions.slice(0, cut).filter((s) => !(normalOnly && s.label));
  const test = sessions.slice(cut);
  if (trainPart.length < 2 || test.length === 0) {
    throw new RangeError(`too few sessions: ${trainPart.length} to train, ${test.length} to test`);
  }
  const vocab = buildVocabulary(trainPart.flatMap((s) => s.templates));
  const index = vocabularyIndex(vocab);
  const encode = (list: EvalSession[]) => list.map((s) => encodeTemplates(index, s.templates));
  const valCut = Math.max(1, Math.floor(trainPart.length * (1 - (opts.validationFraction ?? 0.1))));
  const model = await trainNextEventLstm(encode(trainPart.slice(0, valCut)), vocab.templates.length, {
    validation: valCut < trainPart.length ? encode(trainPart.slice(valCut)) : undefined,
    config: opts.config,
    log: opts.log,
  });
  try {
    const testEncoded = encode(test);
    const worst = worstRanks(model, testEncoded);
    const flagsAt = (k: number, w = worst.all) => Uint8Array.from(w, (r) => (r >= k ? 1 : 0));
    const labels = test.map((s) => s.label === true);
    const sweepG = [...new Set([1, 2, 3, 5, 9, 15, 25, g])]
      .filter((k) => k < vocab.templates.length)
      .sort((a, b) => a - b);
    const flags = flagsAt(g);
    return {
      trainSessions: trainPart.length,
      testSessions: test.length,
      testAnomalous: labelled ? labels.filter(Boolean).length : null,
      vocabSize: vocab.templates.length,
      unseenTestEvents: testEncoded.reduce((n, s) => n + s.filter((id) => id === UNKNOWN_ID).length, 0),
      g,
      flagged: flags.reduce((a, b) => a + b, 0),
      metrics: labelled ? confusion(flags, labels, g) : null,
      metricsKnownOnly: labelled ? confusion(flagsAt(g, worst.known), labels, g) : null,
      allFlaggedF1: labelled ? confusion(new Uint8Array(test.length).fill(1), labels, g).f1 : null,
      sweep: labelled ? sweepG.map((k) => confusion(flagsAt(k), labels, k)) : [],
      backend: model.backend,
      trainMs: model.trainMs,
      epochs: model.history.length,
    };
  } finally {
    model.dispose();
  }
}
