import * as ort from 'onnxruntime-node';
import type { TreeEnsemble } from '../train/xgboost/ensemble.ts';
import { parseXGBoostModel } from '../train/xgboost/model-format.ts';
import { explain, type FeatureContribution } from '../train/xgboost/treeshap.ts';
import { BundleError, checkFeatureHash, readManifest, readVerifiedFile } from './bundle.ts';
import type { BundleManifest, ModelEntry } from './manifest.ts';
import { MicroBatcher } from './micro-batcher.ts';

/*
 * Runtime side of a model bundle: verify, load every model the manifest lists, score rows through ONNX Runtime
 * with micro-batching, and explain tree-model scores with TreeSHAP. Imports no training code (no wasm).
 */

export interface LoadBundleOptions {
  /** Hash of the feature implementation in this build; a bundle trained on other features is refused. */
  expectedFeatureHash: string;
  /** Rows per coalesced inference call (default 1024). */
  maxBatchRows?: number;
  /** Longest a queued row waits for company (default 1 ms; 0 = same event-loop turn only). */
  maxDelayMs?: number;
  /** ONNX Runtime intra-op threads per session (default 1: the agent shares the host). */
  intraOpThreads?: number;
}

export interface LoadedModel {
  entry: ModelEntry;
  session?: ort.InferenceSession;
  /** Parsed document of a json-format model. */
  document?: unknown;
  /** Tree ensemble for TreeSHAP when the entry ships an xgboost-binary explainer. */
  ensemble?: TreeEnsemble;
  batcher?: MicroBatcher;
  rowWidth?: number;
}

type Loader = (entry: ModelEntry, bytes: Uint8Array, where: string, opts: LoadBundleOptions) => Promise<LoadedModel>;

const loaders: Record<ModelEntry['format'], Loader> = {
  onnx: async (entry, bytes, where, opts) => {
    const session = await ort.InferenceSession.create(bytes, {
      intraOpNumThreads: opts.intraOpThreads ?? 1,
      interOpNumThreads: 1,
      graphOptimizationLevel: 'all',
    }).catch((err: Error) => {
      throw new BundleError(`${where}: ONNX Runtime refused the model: ${err.message}`);
    });
    const missing = [
      session.inputNames.includes(entry.inputName!) ? '' : `input '${entry.inputName}' (has ${session.inputNames})`,
      session.outputNames.includes(entry.outputName!)
        ? ''
        : `output '${entry.outputName}' (has ${session.outputNames})`,
    ].filter(Boolean);
    if (missing.length > 0) {
      await session.release();
      throw new BundleError(`${where}: the model has no ${missing.join(' and no ')}`);
    }
    const rowWidth = entry.inputDims!.reduce((a, b) => a * b, 1);
    const batcher = new MicroBatcher((rows, n) => runSession(session, entry, rows, n), {
      maxRows: opts.maxBatchRows ?? 1024,
      maxDelayMs: opts.maxDelayMs ?? 1,
    });
    return { entry, session, batcher, rowWidth };
  },
  json: async (entry, bytes, where) => {
    try {
      return { entry, document: JSON.parse(new TextDecoder().decode(bytes)) };
    } catch (err) {
      throw new BundleError(`${where}: not valid JSON (${(err as Error).message})`);
    }
  },
};

async function runSession(session: ort.InferenceSession, entry: ModelEntry, rows: Float32Array, n: number) {
  const input = new ort.Tensor('float32', rows, [n, ...entry.inputDims!]);
  const out = (await session.run({ [entry.inputName!]: input }, [entry.outputName!]))[entry.outputName!];
  if (!(out.data instanceof Float32Array))
    throw new Error(`model ${entry.name}: output ${entry.outputName} is not float32`);
  const column = entry.outputColumn;
  if (column === undefined) return out.data;
  const width = out.dims[1];
  if (out.dims.length !== 2 || column >= width) {
    throw new Error(`model ${entry.name}: outputColumn ${column} does not fit output dims [${out.dims}]`);
  }
  const picked = new Float32Array(n);
  for (let r = 0; r < n; r++) picked[r] = out.data[r * width + column];
  return picked;
}

export class ModelBundle {
  constructor(
    readonly dir: string,
    readonly manifest: BundleManifest,
    private readonly loaded: Map<string, LoadedModel>,
  ) {}

  get modelNames(): string[] {
    return [...this.loaded.keys()];
  }

  model(name: string): LoadedModel {
    const m = this.loaded.get(name);
    if (!m) throw new RangeError(`bundle ${this.dir} has no model '${name}' (has: ${this.modelNames.join(', ')})`);
    return m;
  }

  /**
   * Score `nRows` rows (row-major, NaN = missing). Returns one value per row when the model has an
   * outputColumn (e.g. P(anomaly)), else the whole output row-major. Small calls are micro-batched.
   */
  score(name: string, rows: Float32Array, nRows: number): Promise<Float32Array> {
    const m = this.model(name);
    if (!m.batcher || m.rowWidth === undefined) throw new TypeError(`model '${name}' (${m.entry.format}) cannot score`);
    if (!Number.isInteger(nRows) || nRows < 0 || rows.length !== nRows * m.rowWidth) {
      const got = `${rows.length} values for ${nRows} rows`;
      return Promise.reject(new RangeError(`model '${name}': ${got}; expected rows × ${m.rowWidth}`));
    }
    if (nRows === 0) return Promise.resolve(new Float32Array(0));
    return m.batcher.submit(rows, nRows);
  }

  /** TreeSHAP contributions (margin space) of one row, for models that ship an explainer. */
  explain(name: string, row: ArrayLike<number>, topK = 5, group = 0): FeatureContribution[] {
    const m = this.model(name);
    if (!m.ensemble) throw new TypeError(`model '${name}' has no explainer`);
    return explain(m.ensemble, row, topK, { group, featureNames: this.manifest.featureSchema.names });
  }

  async close(): Promise<void> {
    for (const m of this.loaded.values()) {
      await m.batcher?.drain();
      await m.session?.release();
    }
    this.loaded.clear();
  }
}

async function loadModel(dir: string, entry: ModelEntry, manifest: BundleManifest, opts: LoadBundleOptions) {
  const where = `bundle ${dir}, model '${entry.name}' (${entry.file})`;
  const loaded = await loaders[entry.format](entry, await readVerifiedFile(dir, entry.file, entry.sha256), where, opts);
  if (entry.explainer) {
    const ensemble = parseXGBoostModel(await readVerifiedFile(dir, entry.explainer.file, entry.explainer.sha256));
    if (ensemble.numFeature !== manifest.featureSchema.names.length) {
      throw new BundleError(
        `${where}: explainer has ${ensemble.numFeature} features, schema has ${manifest.featureSchema.names.length}`,
      );
    }
    loaded.ensemble = ensemble;
  }
  return loaded;
}

/** Verify and load every model in a bundle directory. Nothing is returned half-loaded. */
export async function loadBundle(dir: string, opts: LoadBundleOptions): Promise<ModelBundle> {
  const manifest = await readManifest(dir);
  checkFeatureHash(dir, manifest, opts.expectedFeatureHash);
  const loaded = new Map<string, LoadedModel>();
  try {
    for (const entry of manifest.models) loaded.set(entry.name, await loadModel(dir, entry, manifest, opts));
  } catch (err) {
    for (const m of loaded.values()) await m.session?.release();
    throw err;
  }
  return new ModelBundle(dir, manifest, loaded);
}
