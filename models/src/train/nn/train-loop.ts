import { permutation, type Rng } from './random.ts';
import { tf } from './tf-backend.ts';
import { snapshotWeights } from './tf-weights.ts';

/*
 * One training loop for every NN here: our seeded shuffle, trainOnBatch per mini-batch (tensors are built per
 * batch, so large one-hot inputs never exist whole), validation loss per epoch, early stopping that restores
 * the best epoch's weights. With no validation set the training loss is monitored instead.
 */

export interface LoopConfig {
  epochs: number;
  batchSize: number;
  patience: number;
}

export interface EpochLog {
  epoch: number;
  loss: number;
  valLoss?: number;
}

/** Rows addressed by index; `batch` builds the tensors for the given rows (the loop disposes them). */
export interface BatchSource {
  size: number;
  batch(rows: Int32Array): { x: tf.Tensor; y: tf.Tensor };
}

export interface LoopResult {
  history: EpochLog[];
  bestEpoch: number;
}

async function evaluate(model: tf.LayersModel, source: BatchSource, batchSize: number): Promise<number> {
  let total = 0;
  for (let s = 0; s < source.size; s += batchSize) {
    const rows = new Int32Array(Math.min(batchSize, source.size - s)).map((_, i) => s + i);
    const { x, y } = source.batch(rows);
    const loss = model.evaluate(x, y, { batchSize: rows.length }) as tf.Scalar;
    total += (await loss.data())[0] * rows.length;
    tf.dispose([x, y, loss]);
  }
  return total / source.size;
}

async function trainEpoch(model: tf.LayersModel, source: BatchSource, batchSize: number, rng: Rng) {
  const order = permutation(source.size, rng);
  let total = 0;
  for (let s = 0; s < source.size; s += batchSize) {
    const rows = order.subarray(s, Math.min(source.size, s + batchSize));
    const { x, y } = source.batch(rows);
    const loss = await model.trainOnBatch(x, y);
    total += (Array.isArray(loss) ? loss[0] : loss) * rows.length;
    tf.dispose([x, y]);
  }
  return total / source.size;
}

export async function fitModel(
  model: tf.LayersModel,
  train: BatchSource,
  validation: BatchSource | undefined,
  cfg: LoopConfig,
  rng: Rng,
  log?: (line: string) => void,
): Promise<LoopResult> {
  if (train.size === 0) throw new RangeError('training set is empty');
  const history: EpochLog[] = [];
  let best = Number.POSITIVE_INFINITY;
  let bestEpoch = 0;
  let bestWeights: tf.Tensor[] | undefined;
  for (let epoch = 1; epoch <= cfg.epochs; epoch++) {
    const loss = await trainEpoch(model, train, cfg.batchSize, rng);
    const valLoss = validation && validation.size > 0 ? await evaluate(model, validation, cfg.batchSize) : undefined;
    history.push({ epoch, loss, ...(valLoss !== undefined ? { valLoss } : {}) });
    log?.(
      `epoch ${epoch}: loss ${loss.toPrecision(5)}${valLoss !== undefined ? ` val ${valLoss.toPrecision(5)}` : ''}`,
    );
    const monitored = valLoss ?? loss;
    if (!Number.isFinite(monitored)) throw new Error(`training diverged at epoch ${epoch} (loss ${monitored})`);
    if (monitored < best) {
      best = monitored;
      bestEpoch = epoch;
      if (bestWeights) tf.dispose(bestWeights);
      bestWeights = snapshotWeights(model);
    } else if (epoch - bestEpoch >= cfg.patience) {
      break;
    }
  }
  if (bestWeights) {
    model.setWeights(bestWeights);
    tf.dispose(bestWeights);
  }
  return { history, bestEpoch };
}
