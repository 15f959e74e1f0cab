import type { Anomaly } from '../../../models/src/schema/index.ts';
import type { AuditEntry } from '../respond/index.ts';

export interface RespondQueueDeps {
  handle(anomaly: Anomaly): Promise<AuditEntry[]>;
  onEntries?(anomaly: Anomaly, entries: AuditEntry[]): void;
  onError?(anomaly: Anomaly, err: Error): void;
  /** Backlog full: the anomaly is spooled and reported but no playbook runs for it. Must be loud. */
  onOverflow?(anomaly: Anomaly): void;
}

/**
 * Hands anomalies to the responder one at a time, off the ingest path: a kill-process grace period must not stall
 * tailing. The backlog is bounded; past it an anomaly is reported (metric + error log) instead of queued.
 */
export class RespondQueue {
  private readonly backlog: Anomaly[] = [];
  private running: Promise<void> | undefined;

  constructor(
    private readonly deps: RespondQueueDeps,
    private readonly max = 1000,
  ) {}

  push(anomalies: readonly Anomaly[]): void {
    for (const a of anomalies) {
      if (this.backlog.length >= this.max) this.deps.onOverflow?.(a);
      else this.backlog.push(a);
    }
    // Started on a later microtask so `running` is always assigned before drain() can clear it.
    this.running ??= Promise.resolve().then(() => this.drain());
  }

  private async drain(): Promise<void> {
    try {
      for (let a = this.backlog.shift(); a; a = this.backlog.shift()) {
        try {
          const entries = await this.deps.handle(a);
          this.deps.onEntries?.(a, entries);
        } catch (err) {
          this.deps.onError?.(a, err as Error);
        }
      }
    } finally {
      this.running = undefined;
    }
  }

  get pending(): number {
    return this.backlog.length;
  }

  /** Waits until the backlog is handled (shutdown). */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }
}

/** A bounded list of the latest items (status shows the recent anomalies, actions and rejected lines). */
export class Recent<T> {
  private readonly items: T[] = [];
  constructor(private readonly max: number) {}
  add(item: T): void {
    this.items.push(item);
    if (this.items.length > this.max) this.items.shift();
  }
  list(): T[] {
    return this.items.slice();
  }
}
