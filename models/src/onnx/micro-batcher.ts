/**
 * Coalesces small scoring requests into one inference call. A session call has a fixed cost (~14 µs in
 * onnxruntime-node) that dominates single-row requests, so rows queue until `maxRows` are waiting or
 * `maxDelayMs` has passed since the first queued row, whichever comes first. Requests at least `maxRows`
 * long skip the queue. Queued rows are read at flush time: callers must not modify them until resolved.
 */
export type BatchRunner = (rows: Float32Array, nRows: number) => Promise<Float32Array>;

export interface MicroBatcherOptions {
  maxRows: number;
  /** 0 = flush on the next turn of the event loop (coalesces requests made in the same tick). */
  maxDelayMs: number;
}

interface Pending {
  rows: Float32Array;
  nRows: number;
  resolve: (out: Float32Array) => void;
  reject: (err: unknown) => void;
}

export class MicroBatcher {
  private queue: Pending[] = [];
  private queuedRows = 0;
  private cancelTimer: (() => void) | undefined;
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly run: BatchRunner,
    private readonly opts: MicroBatcherOptions,
  ) {
    if (!(opts.maxRows >= 1) || !(opts.maxDelayMs >= 0)) throw new RangeError('maxRows >= 1 and maxDelayMs >= 0');
  }

  submit(rows: Float32Array, nRows: number): Promise<Float32Array> {
    if (nRows >= this.opts.maxRows) return this.run(rows, nRows);
    return new Promise((resolve, reject) => {
      this.queue.push({ rows, nRows, resolve, reject });
      this.queuedRows += nRows;
      if (this.queuedRows >= this.opts.maxRows) this.flush();
      else this.cancelTimer ??= this.schedule();
    });
  }

  private schedule(): () => void {
    const fire = () => this.flush();
    if (this.opts.maxDelayMs === 0) {
      const handle = setImmediate(fire);
      return () => clearImmediate(handle);
    }
    const handle = setTimeout(fire, this.opts.maxDelayMs);
    return () => clearTimeout(handle);
  }

  /** Run everything queued now as one batch and hand each caller its slice of the output. */
  flush(): void {
    this.cancelTimer?.();
    this.cancelTimer = undefined;
    const batch = this.queue;
    const total = this.queuedRows;
    this.queue = [];
    this.queuedRows = 0;
    if (batch.length === 0) return;
    const input = batch.length === 1 ? batch[0].rows : concat(batch, total);
    const done = this.run(input, total).then(
      (out) => {
        const perRow = out.length / total;
        let row = 0;
        for (const p of batch) {
          p.resolve(out.slice(row * perRow, (row + p.nRows) * perRow));
          row += p.nRows;
        }
      },
      (err) => {
        for (const p of batch) p.reject(err);
      },
    );
    this.inFlight.add(done);
    void done.finally(() => this.inFlight.delete(done));
  }

  /** Flush the queue and wait until every batch started so far has finished (before releasing a session). */
  async drain(): Promise<void> {
    this.flush();
    await Promise.allSettled([...this.inFlight]);
  }

  /** Number of rows waiting (for metrics and tests). */
  get pendingRows(): number {
    return this.queuedRows;
  }
}

function concat(batch: Pending[], totalRows: number): Float32Array {
  const width = batch[0].rows.length / batch[0].nRows;
  const out = new Float32Array(totalRows * width);
  let at = 0;
  for (const p of batch) {
    out.set(p.rows, at);
    at += p.rows.length;
  }
  return out;
}
