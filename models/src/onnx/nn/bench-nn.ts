import * as ort from 'onnxruntime-node';

/*
 * Latency of an ONNX model in ONNX Runtime as the agent runs it (one intra-op thread, all graph optimizations),
 * for one input of any shape. Warm-up first, then repeated runs until the time budget or sample cap.
 */

export interface NnLatency {
  p50Ms: number;
  p99Ms: number;
  meanMs: number;
  samples: number;
}

export interface NnBenchOptions {
  inputName?: string;
  budgetMs?: number;
  maxSamples?: number;
  warmup?: number;
}

export async function benchOnnx(
  model: Uint8Array,
  input: Float32Array,
  shape: number[],
  opts: NnBenchOptions = {},
): Promise<NnLatency> {
  const session = await ort.InferenceSession.create(model, {
    intraOpNumThreads: 1,
    interOpNumThreads: 1,
    graphOptimizationLevel: 'all',
  });
  try {
    const feeds = { [opts.inputName ?? session.inputNames[0]]: new ort.Tensor('float32', input, shape) };
    for (let i = 0; i < (opts.warmup ?? 5); i++) await session.run(feeds);
    const samples: number[] = [];
    const end = performance.now() + (opts.budgetMs ?? 1000);
    while (samples.length < (opts.maxSamples ?? 500) && (samples.length < 5 || performance.now() < end)) {
      const t0 = performance.now();
      await session.run(feeds);
      samples.push(performance.now() - t0);
    }
    samples.sort((a, b) => a - b);
    const at = (q: number) => samples[Math.min(samples.length - 1, Math.ceil(q * samples.length) - 1)];
    return {
      p50Ms: at(0.5),
      p99Ms: at(0.99),
      meanMs: samples.reduce((a, b) => a + b, 0) / samples.length,
      samples: samples.length,
    };
  } finally {
    await session.release();
  }
}

/** One run of `model` on one float input; returns the named output's values. */
export async function runOnnxOnce(
  model: Uint8Array,
  input: Float32Array,
  shape: number[],
  output: string,
): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(model, { intraOpNumThreads: 1, interOpNumThreads: 1 });
  try {
    const out = await session.run({ [session.inputNames[0]]: new ort.Tensor('float32', input, shape) }, [output]);
    return out[output].data as Float32Array;
  } finally {
    await session.release();
  }
}
