import { type TreeEnsemble, truncateRounds } from './ensemble.ts';
import { accumulateTree, logLoss, marginsToProba, sumsToMargins } from './evaluate.ts';
import { readModel, truncateModelBytes } from './model-format.ts';
import { type ResolvedParams, resolveParams, toBoosterParams } from './params.ts';
import { loadXGBoostWasm, WasmBooster, withXGBoostLog, type XGBoostWasm } from './wasm.ts';

export interface LabelledMatrix {
  /** Row-major features, NaN = missing. */
  X: Float32Array;
  /** Class index per row: 0/1 for binary, 0..num_class-1 for multi-class. */
  y: ArrayLike<number>;
}

export interface TrainOptions extends LabelledMatrix {
  nFeatures: number;
  /** XGBoost parameters (validated; see params.ts). */
  params: unknown;
  /** Held-out, later-in-time rows used for the per-round log loss and early stopping. */
  validation?: LabelledMatrix;
  /** Stop when validation log loss has not improved for this many rounds; keep the best round. */
  earlyStoppingRounds?: number;
  /** Rounds trained between two validation passes (a larger chunk trains at most chunk-1 extra rounds). */
  evalEvery?: number;
  onProgress?: (roundsDone: number, roundsMax: number) => void;
}

export interface TrainResult {
  /** The model truncated to the best round (all rounds when not early-stopped). */
  ensemble: TreeEnsemble;
  /** XGBoost's binary model file of exactly that ensemble (loadable by XGBoost). */
  modelBytes: Uint8Array;
  params: ResolvedParams;
  roundsTrained: number;
  bestRound: number;
  /** Validation log loss after each evaluated round (index i = after round i + 1); empty without validation. */
  validationLogLoss: number[];
  /** Genuine -1.0 feature values nudged by one ulp because this XGBoost build uses -1 as its missing marker. */
  nudgedMinusOnes: number;
  /** Lines XGBoost logged during training (kept off the terminal). */
  log: string[];
}

function checkLabels(y: ArrayLike<number>, numClass: number, where: string): Float32Array {
  const out = new Float32Array(y.length);
  const seen = new Set<number>();
  for (let i = 0; i < y.length; i++) {
    const v = y[i];
    if (!Number.isInteger(v) || v < 0 || v >= numClass) {
      throw new RangeError(`${where}[${i}] = ${v}: labels must be integers in 0..${numClass - 1}`);
    }
    out[i] = v;
    seen.add(v);
  }
  if (seen.size < 2) throw new RangeError(`${where} holds a single class (${[...seen].join()}); need at least two`);
  return out;
}

function checkShape(m: LabelledMatrix, nFeatures: number, where: string): void {
  if (m.y.length === 0) throw new RangeError(`${where}: no rows`);
  if (m.X.length !== m.y.length * nFeatures) {
    throw new RangeError(`${where}: X has ${m.X.length} values, expected ${m.y.length} rows × ${nFeatures} features`);
  }
}

/** Early stopping as XGBoost does it: strict improvement resets the patience counter; keep the best round. */
class EarlyStopper {
  best = Number.POSITIVE_INFINITY;
  bestRound = 0;
  constructor(private readonly patience: number) {}
  /** Returns true when training should stop after `round` (1-based). */
  observe(round: number, loss: number): boolean {
    if (loss < this.best) {
      this.best = loss;
      this.bestRound = round;
    }
    return round - this.bestRound >= this.patience;
  }
}

/** Incremental validation scoring: each new tree is added to float32 leaf sums, as XGBoost's predictor does. */
class ValidationTracker {
  private readonly sums: Float32Array;
  readonly losses: number[] = [];
  constructor(
    private readonly data: LabelledMatrix,
    private readonly nFeatures: number,
    private readonly numGroup: number,
  ) {
    this.sums = new Float32Array(data.y.length * numGroup);
  }
  /** Score round `round` (0-based) of `ensemble`; returns the log loss after it. */
  addRound(ensemble: TreeEnsemble, round: number): number {
    const n = this.data.y.length;
    for (let g = 0; g < this.numGroup; g++) {
      accumulateTree(
        ensemble.trees[round * this.numGroup + g],
        this.numGroup,
        this.data.X,
        n,
        this.nFeatures,
        this.sums,
      );
    }
    const proba = marginsToProba(ensemble, sumsToMargins(ensemble.baseMargin, this.sums));
    const loss = logLoss(proba, this.data.y, this.numGroup);
    this.losses.push(loss);
    return loss;
  }
}

/**
 * Train XGBoost (the real library, compiled to WebAssembly) and return the parsed ensemble. XGBoost's own
 * early stopping is not exposed by this build, so training runs in chunks; after each chunk the model file is
 * parsed and the new trees are scored on the validation rows. The result is truncated to the best round, which
 * is what XGBoost's best_ntree_limit does.
 */
export async function trainXGBoost(opts: TrainOptions): Promise<TrainResult> {
  const wasm = await loadXGBoostWasm();
  const log: string[] = [];
  const result = withXGBoostLog(
    (line) => log.push(line),
    () => trainWith(wasm, opts),
  );
  return { ...result, log };
}

function checkInputs(opts: TrainOptions, params: ResolvedParams): { y: Float32Array; numGroup: number } {
  const { nFeatures } = opts;
  if (!Number.isInteger(nFeatures) || nFeatures < 1) throw new RangeError(`nFeatures must be >= 1, got ${nFeatures}`);
  checkShape(opts, nFeatures, 'training set');
  const numClass = params.num_class ?? 2;
  const y = checkLabels(opts.y, numClass, 'training labels');
  if (opts.validation) {
    checkShape(opts.validation, nFeatures, 'validation set');
    checkLabels(opts.validation.y, numClass, 'validation labels');
  }
  const patience = opts.earlyStoppingRounds;
  if (patience !== undefined && (!opts.validation || !Number.isInteger(patience) || patience < 1)) {
    throw new RangeError('earlyStoppingRounds needs a validation set and must be an integer >= 1');
  }
  return { y, numGroup: params.objective === 'binary:logistic' ? 1 : numClass };
}

/** Synchronous from here on: the wasm instance is single-threaded and its model file scratch space is shared. */
function trainWith(wasm: XGBoostWasm, opts: TrainOptions): Omit<TrainResult, 'log'> {
  const params = resolveParams(opts.params);
  const { y, numGroup } = checkInputs(opts, params);
  const chunk = Math.max(1, Math.floor(opts.evalEvery ?? 10));
  const tracker = opts.validation ? new ValidationTracker(opts.validation, opts.nFeatures, numGroup) : undefined;
  const patience = opts.earlyStoppingRounds;
  const stopper = new EarlyStopper(patience ?? Number.POSITIVE_INFINITY);
  const booster = WasmBooster.create(wasm, opts.X, y, opts.nFeatures);
  try {
    booster.setParams(toBoosterParams(params));
    let trained = 0;
    let stopped = false;
    while (trained < params.rounds && !stopped) {
      const step = Math.min(chunk, params.rounds - trained);
      booster.update(step);
      if (tracker) {
        const { ensemble } = readModel(booster.save());
        for (let round = trained; round < trained + step && !stopped; round++) {
          stopped = stopper.observe(round + 1, tracker.addRound(ensemble, round));
        }
      }
      trained += step;
      opts.onProgress?.(trained, params.rounds);
    }
    const bytes = booster.save();
    const bestRound = patience !== undefined ? stopper.bestRound : trained;
    const keepAll = bestRound === trained;
    return {
      ensemble: keepAll ? readModel(bytes).ensemble : truncateRounds(readModel(bytes).ensemble, bestRound),
      modelBytes: keepAll ? bytes : truncateModelBytes(bytes, bestRound),
      params,
      roundsTrained: trained,
      bestRound,
      validationLogLoss: tracker?.losses ?? [],
      nudgedMinusOnes: booster.nudgedMinusOnes,
    };
  } finally {
    booster.free();
  }
}
