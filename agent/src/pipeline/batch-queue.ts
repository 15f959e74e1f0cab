import type { SourceBatch } from '../sources/source.ts';

interface Queued {
  batch: SourceBatch;
  at: number;
  lines: number;
}

/**
 * The hand-off between the sources and the pipeline. Its bound is enforced upstream: every batch here is unacked,
 * and the file source stops reading once its unacked batches or bytes reach the configured limits (so a slow
 * pipeline pauses the tailer; nothing is dropped). This queue reports depth and how long the oldest batch waited.
 */
export class BatchQueue {
  private items: Queued[] = [];
  private head = 0;
  private queuedLines = 0;
  private waiter: (() => void) | undefined;

  push(batch: SourceBatch, now: number): void {
    const lines = batch.type === 'lines' ? batch.lines.length : batch.events.length;
    this.items.push({ batch, at: now, lines });
    this.queuedLines += lines;
    const w = this.waiter;
    this.waiter = undefined;
    w?.();
  }

  /** Takes batches in arrival order until about maxLines lines are taken (at least one batch). */
  take(maxLines: number): SourceBatch[] {
    const out: SourceBatch[] = [];
    let lines = 0;
    while (this.head < this.items.length && (out.length === 0 || lines < maxLines)) {
      const q = this.items[this.head++];
      out.push(q.batch);
      lines += q.lines;
      this.queuedLines -= q.lines;
    }
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return out;
  }

  /** Resolves on the next push, or after timeoutMs. */
  wait(timeoutMs: number): Promise<void> {
    if (this.length > 0) return Promise.resolve();
    return new Promise((resolve) => {
      const t = setTimeout(() => {
        this.waiter = undefined;
        resolve();
      }, timeoutMs);
      this.waiter = () => {
        clearTimeout(t);
        resolve();
      };
    });
  }

  /** Wakes a pending wait() (shutdown). */
  wake(): void {
    const w = this.waiter;
    this.waiter = undefined;
    w?.();
  }

  get length(): number {
    return this.items.length - this.head;
  }

  get lines(): number {
    return this.queuedLines;
  }

  oldestAgeMs(now: number): number {
    return this.length > 0 ? now - this.items[this.head].at : 0;
  }
}
