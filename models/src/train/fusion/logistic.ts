/**
 * Binary logistic regression by full-batch gradient descent with L2 (the bias is not penalised) and class weights
 * that give both classes equal total weight: the stacker's positives are a few percent of the validation rows.
 * Deterministic: zero initialisation, no sampling.
 */
export interface LogisticModel {
  weights: Float64Array;
  bias: number;
}

export interface LogisticOptions {
  l2?: number;
  learningRate?: number;
  iterations?: number;
}

const sigmoid = (z: number) => (z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z)));

/** X is row-major n × d; y holds 0/1. */
export function fitLogistic(
  X: Float64Array,
  y: ArrayLike<number>,
  d: number,
  opts: LogisticOptions = {},
): LogisticModel {
  const { l2 = 1e-3, learningRate = 0.5, iterations = 1500 } = opts;
  const n = y.length;
  if (X.length !== n * d) throw new RangeError(`logistic: ${X.length} values for ${n} rows × ${d} features`);
  let pos = 0;
  for (let i = 0; i < n; i++) pos += y[i] ? 1 : 0;
  if (pos === 0 || pos === n) throw new RangeError(`logistic: need both classes, got ${pos} positives of ${n}`);
  const wPos = n / (2 * pos);
  const wNeg = n / (2 * (n - pos));
  const w = new Float64Array(d);
  const grad = new Float64Array(d);
  let b = 0;
  for (let it = 0; it < iterations; it++) {
    grad.fill(0);
    let gb = 0;
    for (let i = 0; i < n; i++) {
      let z = b;
      const off = i * d;
      for (let j = 0; j < d; j++) z += w[j] * X[off + j];
      const err = (sigmoid(z) - (y[i] ? 1 : 0)) * (y[i] ? wPos : wNeg);
      gb += err;
      for (let j = 0; j < d; j++) grad[j] += err * X[off + j];
    }
    for (let j = 0; j < d; j++) w[j] -= learningRate * (grad[j] / n + l2 * w[j]);
    b -= (learningRate * gb) / n;
  }
  return { weights: w, bias: b };
}

export function predictLogistic(m: LogisticModel, X: Float64Array, n: number): Float64Array {
  const d = m.weights.length;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let z = m.bias;
    for (let j = 0; j < d; j++) z += m.weights[j] * X[i * d + j];
    out[i] = sigmoid(z);
  }
  return out;
}
