import { addLstmStack } from '../lstm.ts';
import { initTfBackend, tf } from '../tf-backend.ts';

await initTfBackend();
const V = 12,
  h = 10;
for (const [bs, layers, units] of [
  [64, 2, 16],
  [256, 2, 16],
  [1024, 2, 16],
  [256, 1, 16],
  [256, 2, 64],
]) {
  const model = tf.sequential();
  model.add(tf.layers.dense({ inputShape: [h, V], units: 8, useBias: false }));
  addLstmStack(model, units, layers);
  model.add(tf.layers.dense({ units: V, activation: 'softmax' }));
  model.compile({ optimizer: tf.train.adam(0.01), loss: 'sparseCategoricalCrossentropy' });
  const x = tf.oneHot(tf.zeros([bs, h], 'int32'), V).toFloat();
  const y = tf.zeros([bs, 1]);
  await model.trainOnBatch(x, y);
  const t0 = performance.now();
  for (let i = 0; i < 5; i++) await model.trainOnBatch(x, y);
  const ms = (performance.now() - t0) / 5;
  const t1 = performance.now();
  for (let i = 0; i < 5; i++) (model.predict(x) as tf.Tensor).dispose();
  console.log({
    bs,
    layers,
    units,
    msPerStep: ms.toFixed(1),
    samplesPerS: Math.round((bs / ms) * 1000),
    predictMs: ((performance.now() - t1) / 5).toFixed(1),
  });
}
