import { createRequire } from 'node:module';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';

/*
 * tfjs backend selection. The wasm backend (XNNPACK kernels, SIMD) is several times faster than tfjs' pure-JS
 * 'cpu' backend here; tfjs-node is not usable (its install downloads libtensorflow). Under Node the wasm backend
 * must be told where its .wasm files are: the package's dist/ directory, passed as a path prefix.
 */

export type TfBackend = 'wasm' | 'cpu';

let chosen: Promise<TfBackend> | undefined;

function wasmDir(): string {
  const require = createRequire(import.meta.url);
  return `${path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'))}${path.sep}`;
}

async function select(prefer: TfBackend, log: (line: string) => void): Promise<TfBackend> {
  if (prefer === 'wasm') {
    try {
      setWasmPaths(wasmDir());
      if (await tf.setBackend('wasm')) {
        await tf.ready();
        log('tfjs backend: wasm');
        return 'wasm';
      }
      log('tfjs backend: wasm refused to initialise; falling back to cpu');
    } catch (err) {
      log(`tfjs backend: wasm unavailable (${(err as Error).message}); falling back to cpu`);
    }
  }
  await tf.setBackend('cpu');
  await tf.ready();
  log('tfjs backend: cpu');
  return 'cpu';
}

/**
 * Pick the tfjs backend once per process: wasm, else cpu (VIGIL_TF_BACKEND=cpu forces cpu). Later calls return
 * the first choice. Logs the backend that runs (stderr by default).
 */
export function initTfBackend(log: (line: string) => void = (l) => process.stderr.write(`${l}\n`)): Promise<TfBackend> {
  const prefer: TfBackend = process.env.VIGIL_TF_BACKEND === 'cpu' ? 'cpu' : 'wasm';
  chosen ??= select(prefer, log);
  return chosen;
}

export { tf };
