import type { LogEvent } from '../../../models/src/schema/index.ts';
import type { EventBatch, SamplingStats, Sink, Source, SourceStats } from './source.ts';

export interface Sampler {
  sample(now: number): Promise<LogEvent[]>;
  readonly counters: Record<string, number>;
}

export interface PeriodicOptions {
  intervalMs: number;
  /** Unacked sample batches before further samples are skipped (a stale snapshot is worth less than a fresh one). */
  maxInFlightBatches: number;
  /** Timestamp for each sample (the agent's event clock; default the wall clock). */
  now?: () => number;
}

/**
 * Runs a sampler on a fixed interval with its cost bounded and visible: never two samples at once (a late one is
 * skipped and counted), no sample while the consumer is behind, and the time each sample took kept as a stat.
 */
export class PeriodicSource implements Source {
  private sink: Sink | null = null;
  private timer: NodeJS.Timeout | null = null;
  private current: Promise<void> | null = null;
  private inFlight = 0;
  private running = false;
  private readonly cost = { samples: 0, totalMs: 0, lastMs: 0, maxMs: 0, skippedOverlap: 0, skippedBackpressure: 0 };
  private errors = 0;

  constructor(
    readonly id: string,
    readonly kind: 'process' | 'disk',
    private readonly logKind: EventBatch['kind'],
    private readonly sampler: Sampler,
    private readonly opts: PeriodicOptions,
  ) {}

  /** Takes the first sample before returning, then one per interval. */
  async start(sink: Sink): Promise<void> {
    if (this.running) throw new Error(`source ${this.id} already started`);
    this.sink = sink;
    this.running = true;
    await this.tick();
    this.timer = setInterval(() => void this.tick(), this.opts.intervalMs);
  }

  async stop(): Promise<void> {
    this.running = false;
    if (this.timer) clearInterval(this.timer);
    await this.current;
  }

  /** One sample now, unless one is running or the consumer is behind. Exposed for tests and `vigil agent sample`. */
  tick(): Promise<void> {
    if (this.current) {
      this.cost.skippedOverlap++;
      return this.current;
    }
    if (this.inFlight >= this.opts.maxInFlightBatches) {
      this.cost.skippedBackpressure++;
      this.sink?.issue({
        sourceId: this.id,
        code: 'sample_skipped',
        message: `${this.id}: sample skipped, ${this.inFlight} earlier samples not yet acked by the consumer`,
      });
      return Promise.resolve();
    }
    this.current = this.run().finally(() => {
      this.current = null;
    });
    return this.current;
  }

  private async run(): Promise<void> {
    const t0 = performance.now();
    let events: LogEvent[];
    try {
      events = await this.sampler.sample((this.opts.now ?? Date.now)());
    } catch (err) {
      this.errors++;
      this.sink?.issue({ sourceId: this.id, code: 'sample_error', message: `${this.id}: ${String(err)}` });
      return;
    } finally {
      const ms = performance.now() - t0;
      this.cost.samples++;
      this.cost.totalMs += ms;
      this.cost.lastMs = ms;
      this.cost.maxMs = Math.max(this.cost.maxMs, ms);
    }
    if (events.length === 0 || !this.sink) return;
    this.inFlight++;
    let acked = false;
    this.sink.write({
      type: 'events',
      sourceId: this.id,
      kind: this.logKind,
      events,
      ack: () => {
        if (acked) return;
        acked = true;
        this.inFlight--;
      },
    });
  }

  stats(): SourceStats {
    const c = this.cost;
    const sampling: SamplingStats = {
      intervalMs: this.opts.intervalMs,
      samples: c.samples,
      lastMs: round3(c.lastMs),
      meanMs: c.samples > 0 ? round3(c.totalMs / c.samples) : 0,
      maxMs: round3(c.maxMs),
      skippedOverlap: c.skippedOverlap,
      skippedBackpressure: c.skippedBackpressure,
      errors: this.errors,
    };
    return {
      id: this.id,
      kind: this.kind,
      running: this.running,
      counters: { ...this.sampler.counters },
      inFlightBatches: this.inFlight,
      paused: this.inFlight >= this.opts.maxInFlightBatches,
      sampling,
    };
  }
}

const round3 = (v: number) => Math.round(v * 1000) / 1000;
