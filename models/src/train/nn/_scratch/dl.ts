import * as ort from 'onnxruntime-node';
import { nextEventLstmToOnnx } from '../../../onnx/nn/lstm-onnx.ts';
import { trainNextEventLstm } from '../lstm.ts';
import { syntheticSessions } from '../test-data.ts';
import { buildVocabulary, encodeTemplates, nextEventSamples, observedRanks, vocabularyIndex } from '../vocabulary.ts';

const tr = syntheticSessions(300, 1);
const te = syntheticSessions(200, 2, 0.2);
const vocab = buildVocabulary(tr.sessions.flat());
const idx = vocabularyIndex(vocab);
const V = vocab.templates.length;
const enc = (ss: string[][]) => ss.map((s) => encodeTemplates(idx, s));
const t0 = Date.now();
const m = await trainNextEventLstm(enc(tr.sessions), V, {
  config: {
    epochs: Number(process.argv[2] ?? 10),
    units: 16,
    layers: 2,
    embeddingDim: 8,
    batchSize: 64,
    learningRate: 0.01,
  },
  log: console.log,
});
console.log('train ms', Date.now() - t0, m.bestEpoch);
const s = nextEventSamples(enc(te.sessions), m.config.window);
const probs = m.predict(s.history, s.n);
const ranks = observedRanks(probs, V, s.next);
const g = 1;
const flagged = new Uint8Array(te.sessions.length);
for (let i = 0; i < s.n; i++) if (ranks[i] >= g) flagged[s.session[i]] = 1;
let tp = 0,
  fp = 0,
  fn = 0;
for (let i = 0; i < flagged.length; i++) {
  if (flagged[i] && te.labels[i]) tp++;
  else if (flagged[i]) fp++;
  else if (te.labels[i]) fn++;
}
console.log({ tp, fp, fn });
const input = new Float32Array(s.n * (m.config.window + 1));
for (let i = 0; i < s.n; i++) {
  input.set(s.history.subarray(i * m.config.window, (i + 1) * m.config.window), i * (m.config.window + 1));
  input[i * (m.config.window + 1) + m.config.window] = s.next[i];
}
for (const q of [false, { lstm: 'float' as const }, {}] as const) {
  const bytes = nextEventLstmToOnnx(m.spec, { quantize: q });
  const sess = await ort.InferenceSession.create(bytes, { intraOpNumThreads: 1 });
  const out = await sess.run({ input: new ort.Tensor('float32', input, [s.n, m.config.window + 1]) });
  const p = out.probabilities.data as Float32Array,
    r = out.rank.data as Float32Array;
  let maxd = 0;
  for (let i = 0; i < p.length; i++) maxd = Math.max(maxd, Math.abs(p[i] - probs[i]));
  let same = 0;
  for (let i = 0; i < s.n; i++) if (r[i] >= g === ranks[i] >= g) same++;
  console.log(JSON.stringify(q), bytes.length, 'maxdiff', maxd, 'agree', same / s.n);
}
