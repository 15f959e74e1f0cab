import { createRequire } from 'node:module';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';

const require = createRequire(import.meta.url);
const dir = path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'));
console.log(dir);
setWasmPaths(dir + '/');
try {
  const ok = await tf.setBackend('wasm');
  console.log('ok', ok, tf.getBackend());
} catch (e) {
  console.log('err', e);
}
await tf.ready();
console.log(tf.getBackend());
const t0 = Date.now();
const x = tf.randomNormal([20000, 87]);
const m = tf.sequential({
  layers: [
    tf.layers.dense({ inputShape: [87], units: 32, activation: 'relu' }),
    tf.layers.dense({ units: 8, activation: 'relu' }),
    tf.layers.dense({ units: 32, activation: 'relu' }),
    tf.layers.dense({ units: 87 }),
  ],
});
m.compile({ optimizer: tf.train.adam(1e-3), loss: 'meanSquaredError' });
await m.fit(x, x, { epochs: 3, batchSize: 256, verbose: 0 });
console.log('ms', Date.now() - t0);
