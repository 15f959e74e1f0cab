import { addLstmStack } from '../lstm.ts';
import { initTfBackend, tf } from '../tf-backend.ts';

await initTfBackend();
const V = 12,
  h = 10,
  bs = 256;
for (const layers of [2, 1, 2, 1]) {
  const model = tf.sequential();
  model.add(tf.layers.dense({ inputShape: [h, V], units: 8, useBias: false }));
  addLstmStack(model, 16, layers);
  model.add(tf.layers.dense({ units: V, activation: 'softmax' }));
  model.compile({ optimizer: tf.train.adam(0.01), loss: 'sparseCategoricalCrossentropy' });
  const x = tf.oneHot(tf.zeros([bs, h], 'int32'), V).toFloat();
  const y = tf.zeros([bs, 1]);
  await model.trainOnBatch(x, y);
  const prof = await tf.profile(async () => {
    await model.trainOnBatch(x, y);
  });
  const by = new Map<string, { n: number; ms: number }>();
  let total = 0;
  for (const k of prof.kernels) {
    const e = by.get(k.name) ?? { n: 0, ms: 0 };
    e.n++;
    e.ms += Number(k.kernelTimeMs) || 0;
    total += Number(k.kernelTimeMs) || 0;
    by.set(k.name, e);
  }
  console.log(layers, 'kernels', prof.kernels.length, 'total kernel ms', total.toFixed(1));
  console.log(
    [...by.entries()]
      .sort((a, b) => b[1].ms - a[1].ms)
      .slice(0, 8)
      .map(([k, v]) => `${k}:${v.n}:${v.ms.toFixed(1)}`)
      .join(' '),
  );
}
