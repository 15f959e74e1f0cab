import { createRequire } from 'node:module';

/*
 * Thin binding to the XGBoost WebAssembly build inside the `ml-xgboost` package. We call its exported C
 * functions directly instead of its JS class because the class passes the training matrix as an emscripten
 * 'array' argument, which is copied onto the 5 MiB wasm stack without a bounds check (silent memory corruption
 * beyond ~1.3M values), and allocates per predicted row. Here buffers are malloc'd on the wasm heap.
 *
 * Two properties of this build shape the API (both verified by tests):
 * - The DMatrix is built with missing = -1 (js-interfaces.cpp), and a NaN in the matrix hits a CHECK that
 *   aborts the whole wasm instance. So NaN (our "missing") is written as -1, and a genuine -1.0 is nudged one
 *   float32 ulp down so it stays a value. The nudge can only matter for a split threshold lying exactly
 *   between -1 - ulp and -1, i.e. when a training value is -0.99999994 exactly.
 * - Any LOG(FATAL) inside XGBoost aborts the instance, so inputs and parameters are validated before a call.
 */

export interface XGBoostWasm {
  _malloc(bytes: number): number;
  _free(ptr: number): void;
  HEAPU8: Uint8Array;
  HEAPF32: Float32Array;
  _create_model(data: number, labels: number, rows: number, cols: number): number;
  _set_param(model: number, key: number, value: number): void;
  _train_full_model(model: number, iterations: number): void;
  _predict_one(model: number, row: number, cols: number, out: number): number;
  _save_model(model: number): number;
  _get_file_content(buffer: number, size: number): void;
  _load_model(buffer: number, size: number): number;
  _free_memory_model(model: number): void;
  isReady: Promise<unknown>;
}

export const WASM_MISSING = -1;
const MINUS_ONE_NUDGED = Math.fround(-1 - 2 ** -23);
const MAX_PREDICTION_WIDTH = 4096;

let loading: Promise<XGBoostWasm> | undefined;

const writeStderr = (line: string) => void process.stderr.write(`${line}\n`);
let logSink: (line: string) => void = writeStderr;

/**
 * Send XGBoost's log lines to `sink` while the synchronous `fn` runs (e.g. to attach them to a training report
 * instead of the terminal). Synchronous so that concurrent callers cannot swap sinks mid-run. Fatal lines
 * ("Check failed", abort) always reach stderr too, since the instance dies after them.
 */
export function withXGBoostLog<T>(sink: (line: string) => void, fn: () => T): T {
  const previous = logSink;
  logSink = (line) => {
    sink(line);
    if (/Check failed|abort\(/.test(line)) writeStderr(line);
  };
  try {
    return fn();
  } finally {
    logSink = previous;
  }
}

/** Load the wasm module once per process. The module reads its .wasm file itself. */
export function loadXGBoostWasm(): Promise<XGBoostWasm> {
  loading ??= (async () => {
    const require = createRequire(import.meta.url);
    // The 2018 emscripten glue tries instantiateStreaming(fetch(<file path>)) first and prints a warning when
    // that fails; hide instantiateStreaming during the synchronous require so it reads the file directly.
    const wa = (globalThis as unknown as { WebAssembly: Record<string, unknown> }).WebAssembly;
    const streaming = wa.instantiateStreaming;
    Reflect.deleteProperty(wa, 'instantiateStreaming');
    // The glue also installs a process-wide uncaughtException handler that rethrows, which would turn any
    // host application's handled exception into a crash; we remove the handler it adds.
    const before = new Set(process.listeners('uncaughtException'));
    let mod: XGBoostWasm;
    try {
      mod = require('ml-xgboost/dist/wasm/xgboost.js') as XGBoostWasm;
    } finally {
      wa.instantiateStreaming = streaming;
      for (const l of process.listeners('uncaughtException')) {
        if (!before.has(l)) process.removeListener('uncaughtException', l);
      }
    }
    await mod.isReady;
    // XGBoost's console output goes through printErr, looked up at call time, so it can be redirected.
    (mod as unknown as { printErr: (line: string) => void }).printErr = (line) => logSink(line);
    return mod;
  })();
  return loading;
}

/**
 * Copy a row-major float32 matrix into wasm memory, translating NaN to the build's missing marker.
 * Returns the pointer (caller frees) and how many genuine -1 values were nudged.
 */
export function copyMatrixIn(wasm: XGBoostWasm, X: Float32Array, nFeatures: number): { ptr: number; nudged: number } {
  const ptr = wasm._malloc(Math.max(4, X.length * 4));
  const heap = wasm.HEAPF32; // read after malloc: growing memory replaces the view
  const base = ptr >> 2;
  let nudged = 0;
  for (let i = 0; i < X.length; i++) {
    const v = X[i];
    if (Number.isNaN(v)) heap[base + i] = WASM_MISSING;
    else if (v === -1) {
      heap[base + i] = MINUS_ONE_NUDGED;
      nudged++;
    } else if (v === Infinity || v === -Infinity) {
      wasm._free(ptr);
      throw new RangeError(
        `X[row ${Math.floor(i / nFeatures)}, feature ${i % nFeatures}] is ${v}; use NaN for missing`,
      );
    } else heap[base + i] = v;
  }
  return { ptr, nudged };
}

function writeCString(wasm: XGBoostWasm, s: string): number {
  const bytes = new TextEncoder().encode(s);
  const ptr = wasm._malloc(bytes.length + 1);
  wasm.HEAPU8.set(bytes, ptr);
  wasm.HEAPU8[ptr + bytes.length] = 0;
  return ptr;
}

/** One XGBoost Booster (plus its training DMatrix) living in wasm memory. Call free() when done. */
export class WasmBooster {
  private handle: number;

  private constructor(
    private readonly wasm: XGBoostWasm,
    handle: number,
    readonly nudgedMinusOnes: number,
  ) {
    this.handle = handle;
  }

  static create(wasm: XGBoostWasm, X: Float32Array, y: Float32Array, nFeatures: number): WasmBooster {
    const nRows = y.length;
    const data = copyMatrixIn(wasm, X, nFeatures);
    const labels = wasm._malloc(Math.max(4, nRows * 4));
    wasm.HEAPF32.set(y, labels >> 2);
    try {
      return new WasmBooster(wasm, wasm._create_model(data.ptr, labels, nRows, nFeatures), data.nudged);
    } finally {
      wasm._free(data.ptr);
      wasm._free(labels);
    }
  }

  /** Load a model from XGBoost binary model bytes (for prediction). */
  static load(wasm: XGBoostWasm, bytes: Uint8Array): WasmBooster {
    const ptr = wasm._malloc(bytes.length);
    wasm.HEAPU8.set(bytes, ptr);
    const handle = wasm._load_model(ptr, bytes.length);
    wasm._free(ptr);
    if (handle === 0) throw new Error('XGBoost could not load the model bytes');
    return new WasmBooster(wasm, handle, 0);
  }

  private live(): number {
    if (this.handle === 0) throw new Error('WasmBooster used after free()');
    return this.handle;
  }

  setParams(params: [string, string][]): void {
    for (const [key, value] of params) {
      const k = writeCString(this.wasm, key);
      const v = writeCString(this.wasm, value);
      this.wasm._set_param(this.live(), k, v);
      this.wasm._free(k);
      this.wasm._free(v);
    }
  }

  /** Run `rounds` more boosting iterations; the RNG state carries over between calls. */
  update(rounds: number): void {
    this.wasm._train_full_model(this.live(), rounds);
  }

  /** XGBoost's binary model file for the current state. */
  save(): Uint8Array {
    const size = this.wasm._save_model(this.live());
    if (size <= 0) throw new Error('XGBoost failed to save the model');
    const ptr = this.wasm._malloc(size);
    this.wasm._get_file_content(ptr, size);
    const bytes = this.wasm.HEAPU8.slice(ptr, ptr + size);
    this.wasm._free(ptr);
    return bytes;
  }

  /** XGBoost's own prediction (transformed: probabilities), one row at a time as the build exposes it. */
  predict(X: Float32Array, nRows: number, nFeatures: number): { values: Float32Array; width: number } {
    if (X.length !== nRows * nFeatures) throw new RangeError(`X has ${X.length} values, not ${nRows}×${nFeatures}`);
    const input = copyMatrixIn(this.wasm, X, nFeatures);
    const out = this.wasm._malloc(MAX_PREDICTION_WIDTH * 4);
    let values = new Float32Array(0);
    let width = 0;
    try {
      for (let row = 0; row < nRows; row++) {
        const n = this.wasm._predict_one(this.live(), input.ptr + row * nFeatures * 4, nFeatures, out);
        if (row === 0) {
          width = n;
          values = new Float32Array(nRows * width);
        }
        values.set(this.wasm.HEAPF32.subarray(out >> 2, (out >> 2) + width), row * width);
      }
    } finally {
      this.wasm._free(input.ptr);
      this.wasm._free(out);
    }
    return { values, width };
  }

  free(): void {
    if (this.handle !== 0) this.wasm._free_memory_model(this.handle);
    this.handle = 0;
  }
}
