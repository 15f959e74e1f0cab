import { appendFileSync } from 'node:fs';
import type { SpoolItem, SpoolRepo } from '../state/index.ts';
import { backoffMs } from './backoff.ts';

/** What a destination did with a batch of spool items. Every item given must appear in exactly one list. */
export interface Delivery {
  delivered: number[];
  /** Refused as invalid: moved to the dead-letter file, counted and logged, never resent. */
  dead: { id: number; reason: string }[];
  /** Not sent (destination down, throttled): retried with backoff, at least retryAfterMs later. */
  retry: number[];
  retryAfterMs?: number;
  error?: string;
}

export interface Destination {
  readonly name: string;
  readonly kinds: readonly string[];
  readonly maxBatch: number;
  /** Items per send() right now (a destination may shrink it after a 413); default maxBatch. */
  batchLimit?(): number;
  /** False while the destination cannot take anything (e.g. not enrolled): its items simply wait. */
  ready(): boolean;
  send(items: SpoolItem[]): Promise<Delivery>;
}

export interface DrainOptions {
  intervalMs: number;
  baseMs: number;
  capMs: number;
  deadLetterFile: string;
  onDead?(item: SpoolItem, reason: string): void;
  onError?(destination: string, error: string): void;
  now?: () => number;
  random?: () => number;
}

/**
 * Empties the spool oldest first, routing each item by kind to its destination (control plane, CloudWatch Logs). A
 * failing destination only delays its own items: they are rescheduled with exponential backoff and full jitter, so
 * the others keep flowing. Items leave the spool only when delivered or dead-lettered.
 */
export class SpoolDrain {
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private busy: Promise<void> | undefined;
  deadLettered = 0;

  constructor(
    private readonly spool: SpoolRepo,
    private readonly destinations: Destination[],
    private readonly opts: DrainOptions,
  ) {}

  start(): void {
    this.running = true;
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    await this.busy;
  }

  /** Runs one pass now (tests, shutdown flush). */
  pass(): Promise<void> {
    this.busy ??= this.drainOnce().finally(() => {
      this.busy = undefined;
    });
    return this.busy;
  }

  private schedule(ms: number): void {
    if (!this.running) return;
    this.timer = setTimeout(async () => {
      let more = false;
      try {
        await this.pass();
        more = this.spool.due(1, this.now()).some((i) => this.route(i)?.ready());
      } catch (err) {
        this.opts.onError?.('spool', (err as Error).message);
      }
      this.schedule(more ? 0 : this.opts.intervalMs);
    }, ms);
    this.timer.unref?.();
  }

  private now(): number {
    return (this.opts.now ?? Date.now)();
  }

  private route(item: SpoolItem): Destination | undefined {
    return this.destinations.find((d) => d.kinds.includes(item.kind));
  }

  private async drainOnce(): Promise<void> {
    const due = this.spool.due(4000, this.now());
    const groups = new Map<Destination, Map<string, SpoolItem[]>>();
    for (const item of due) {
      const d = this.route(item);
      if (!d?.ready()) continue; // no destination configured (yet): stays spooled
      const byKind = groups.get(d) ?? new Map<string, SpoolItem[]>();
      groups.set(d, byKind);
      const list = byKind.get(item.kind) ?? [];
      byKind.set(item.kind, list);
      list.push(item);
    }
    await Promise.all(
      [...groups].map(async ([d, byKind]) => {
        for (const items of byKind.values()) {
          for (let i = 0; i < items.length; ) {
            const n = Math.max(1, d.batchLimit?.() ?? d.maxBatch);
            if (!(await this.sendBatch(d, items.slice(i, i + n)))) break; // destination failing: stop for now
            i += n;
          }
        }
      }),
    );
  }

  /** Sends one batch and applies the outcome to the spool; false when the destination asked to back off. */
  private async sendBatch(d: Destination, batch: SpoolItem[]): Promise<boolean> {
    let r: Delivery;
    try {
      r = await d.send(batch);
    } catch (err) {
      r = { delivered: [], dead: [], retry: batch.map((b) => b.id), error: (err as Error).message };
    }
    const byId = new Map(batch.map((b) => [b.id, b]));
    for (const id of r.delivered) this.spool.delivered(id);
    for (const { id, reason } of r.dead) this.deadLetter(byId.get(id)!, d.name, reason);
    const now = this.now();
    for (const id of r.retry) {
      const item = byId.get(id)!;
      this.spool.retryAt(
        id,
        now + backoffMs(item.attempts, this.opts.baseMs, this.opts.capMs, r.retryAfterMs ?? 0, this.opts.random),
      );
    }
    if (r.error) this.opts.onError?.(d.name, r.error);
    return r.retry.length === 0;
  }

  private deadLetter(item: SpoolItem, destination: string, reason: string): void {
    const line = JSON.stringify({
      at: this.now(),
      destination,
      kind: item.kind,
      key: item.idempotencyKey,
      reason,
      body: item.body,
    });
    appendFileSync(this.opts.deadLetterFile, `${line}\n`, { mode: 0o600 });
    this.spool.delivered(item.id);
    this.deadLettered++;
    this.opts.onDead?.(item, reason);
  }
}
