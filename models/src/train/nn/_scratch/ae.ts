import * as ort from 'onnxruntime-node';
import { autoencoderToOnnx } from '../../../onnx/nn/autoencoder-onnx.ts';
import { trainAutoencoder } from '../autoencoder.ts';
import { rocAuc, syntheticRows } from '../test-data.ts';

const F = 20;
const train = syntheticRows(3000, F, 1).rows;
const val = syntheticRows(500, F, 2).rows;
const test = syntheticRows(1000, F, 3, 0.05);
const t0 = Date.now();
const ae = await trainAutoencoder(train, { validation: val, config: { epochs: 30 }, log: console.log });
console.log('train ms', Date.now() - t0, ae.bestEpoch, ae.spec.scaler.indicators, ae.model);
const ref = ae.score(test.rows);
console.log('auc', rocAuc(ref.score, test.labels));
const bytes = autoencoderToOnnx(ae.spec);
const qbytes = autoencoderToOnnx(ae.spec, { quantize: {} });
console.log('size', bytes.length, qbytes.length);
for (const b of [bytes, qbytes]) {
  const s = await ort.InferenceSession.create(b, { intraOpNumThreads: 1 });
  const out = await s.run({ input: new ort.Tensor('float32', test.rows.data, [test.rows.rows, F]) });
  const sc = out.score.data as Float32Array;
  let maxd = 0,
    maxr = 0;
  for (let i = 0; i < sc.length; i++) {
    const d = Math.abs(sc[i] - ref.score[i]);
    maxd = Math.max(maxd, d);
    maxr = Math.max(maxr, d / Math.max(1, Math.abs(ref.score[i])));
  }
  console.log('maxdiff', maxd, maxr, 'auc', rocAuc(sc, test.labels));
}

import { thresholdAtQuantile } from '../recon-score.ts';

{
  const run = async (b: Uint8Array, X: Float32Array, n: number) => {
    const s = await ort.InferenceSession.create(b, { intraOpNumThreads: 1 });
    return (await s.run({ input: new ort.Tensor('float32', X, [n, F]) })).score.data as Float32Array;
  };
  for (const mode of ['per-row', 'per-tensor'] as const) {
    const qb = autoencoderToOnnx(ae.spec, { quantize: { activations: mode } });
    const thr = thresholdAtQuantile(await run(bytes, val.data, val.rows), 0.99);
    const f = await run(bytes, test.rows.data, test.rows.rows),
      q = await run(qb, test.rows.data, test.rows.rows);
    const mean = (a: Float32Array) => a.reduce((x, y) => x + y, 0) / a.length;
    const mf = mean(f),
      mq = mean(q);
    let sxy = 0,
      sxx = 0,
      syy = 0;
    let agree = 0;
    for (let i = 0; i < f.length; i++) {
      sxy += (f[i] - mf) * (q[i] - mq);
      sxx += (f[i] - mf) ** 2;
      syy += (q[i] - mq) ** 2;
      if (f[i] > thr === q[i] > thr) agree++;
    }
    const lf = Array.from(f, Math.log),
      lq = Array.from(q, Math.log);
    console.log(mode, 'corr', sxy / Math.sqrt(sxx * syy), 'agree', agree / f.length, 'thr', thr);
  }
}
