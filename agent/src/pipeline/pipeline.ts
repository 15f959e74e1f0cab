import type { FeatureEngine, WindowRow } from '../../../models/src/features/engine.ts';
import type { Anomaly, LogEvent } from '../../../models/src/schema/index.ts';
import type { AgentMetrics } from '../metrics/agent-metrics.ts';
import type { EventBatch, LineBatch, Sink, SourceBatch, SourceIssue } from '../sources/source.ts';
import { AnomalyDedupe, buildAnomaly } from './anomalies.ts';
import { BatchQueue } from './batch-queue.ts';
import { LineParsers, parseContext, type RejectedLine } from './line-parsers.ts';
import type { ModelSlot } from './model-slot.ts';
import { SlidingCounter } from './rates.ts';
import { RescorePolicy } from './rescore.ts';

/** How often an idle pipeline wakes to let the wall clock close quiet windows. */
const IDLE_TICK_MS = 1000;

export interface PipelineOptions {
  host: string;
  decisionIntervalMs: number;
  lateGraceMs: number;
  maxFutureSkewMs: number;
  evidenceLines: number;
  topFeatures: number;
  /** A changed entity's open window is scored again at least this often (sooner when its event count doubles). */
  rescoreIntervalMs?: number;
  /** While catching up on a backlog, decide at most this often (the backlog dominates latency anyway). */
  catchUpIntervalMs?: number;
  /** Decide once this many batches wait for a decision (keep it under the tailer's unacked-batch bound). */
  maxHeldBatches?: number;
  /** Lines processed between two yields to the event loop (lets the tailer keep reading). */
  sliceLines?: number;
}

export interface PipelineDeps {
  engine: FeatureEngine;
  slot: ModelSlot;
  metrics: AgentMetrics;
  /**
   * Makes a decision durable: spools the anomalies and acks the batches it covered, in one transaction. Throws (e.g.
   * SpoolFullError) to leave the batches unacked; the same anomalies are offered again on the next decision.
   */
  commit(anomalies: Anomaly[], batches: SourceBatch[]): void;
  /** New anomalies, once each (the responder, logs). Called even when commit failed: local protection goes on. */
  onAnomalies(anomalies: Anomaly[]): void;
  onRejected?(r: RejectedLine): void;
  onIssue?(i: SourceIssue): void;
  onCommitError?(err: Error): void;
  /** For benchmarks and tests: called after each decision with what it covered. */
  onDecided?(d: { batches: SourceBatch[]; anomalies: Anomaly[]; rows: number; at: number }): void;
  /**
   * True when the sources have nothing unread. The wall clock closes quiet windows only then: while a backlog (say,
   * after downtime) is being read, windows follow the events' own time, so old lines are not folded into today's window.
   */
  caughtUp?(): boolean;
  /** Wall clock: decision cadence, rates, latencies. */
  now?: () => number;
  /** Event clock (config/clock.ts): closes quiet windows, clamps future stamps, infers syslog years. Default: now. */
  eventNow?: () => number;
}

export interface PipelineStats {
  lines: number;
  events: number;
  parseErrors: number;
  skipped: number;
  decisions: number;
  rowsScored: number;
  anomalies: number;
  anomaliesLastHour: number;
  linesPerSecond: number;
  queue: { batches: number; lines: number; oldestMs: number };
  held: { batches: number; anomaliesUncommitted: number };
  lastDecisionAt: number | null;
  commitFailing: string | null;
  clockClamped: number;
}

/**
 * sources -> parse -> features -> score -> anomalies. One loop does all the work in order: it drains the queue,
 * parses and pushes events into the engine, and every decisionIntervalMs (or when the clock closes a window) scores
 * the closed rows plus provisional rows of the entities that changed, raises anomalies, and commits them together
 * with the acks of the batches they cover. A batch is acked only after a decision covered it, so checkpoints never
 * run ahead of what was decided.
 */
export class Pipeline implements Sink {
  private readonly queue = new BatchQueue();
  private readonly parsers: LineParsers;
  private readonly dedupe = new AnomalyDedupe();
  private readonly now: () => number;
  private readonly eventNow: () => number;
  private readonly rescore: RescorePolicy;
  private readonly ctx = parseContext();
  private closed: WindowRow[] = [];
  private held: SourceBatch[] = [];
  private heldSince = new Map<SourceBatch, number>();
  private uncommitted: Anomaly[] = [];
  private running = false;
  private loop: Promise<void> | undefined;
  private lastDecision = 0;
  private commitError: string | null = null;
  private readonly lineRate: SlidingCounter;
  private readonly anomalyHour: SlidingCounter;
  private readonly counts = {
    lines: 0,
    events: 0,
    parseErrors: 0,
    skipped: 0,
    decisions: 0,
    rows: 0,
    anomalies: 0,
    clamped: 0,
  };

  constructor(
    private readonly opts: PipelineOptions,
    private readonly deps: PipelineDeps,
  ) {
    this.now = deps.now ?? Date.now;
    this.eventNow = deps.eventNow ?? this.now;
    this.parsers = new LineParsers(this.eventNow);
    this.rescore = new RescorePolicy(
      deps.engine.config.windowMs,
      opts.rescoreIntervalMs ?? 1000,
      deps.engine.config.maxEntities * 2,
    );
    this.lineRate = new SlidingCounter(1000, 11, this.now);
    this.anomalyHour = new SlidingCounter(60_000, 60, this.now);
  }

  // ---- Sink (called by the sources) ----

  write(batch: SourceBatch): void {
    this.queue.push(batch, this.now());
  }

  issue(i: SourceIssue): void {
    this.deps.metrics.sourceIssues.inc({ code: i.code });
    this.deps.onIssue?.(i);
  }

  // ---- lifecycle ----

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  /** Processes and decides everything already queued, then stops. */
  async stop(): Promise<void> {
    this.running = false;
    this.queue.wake();
    await this.loop;
  }

  private async run(): Promise<void> {
    while (this.running || this.queue.length > 0) {
      if (this.queue.length === 0) {
        const dueIn = this.lastDecision + this.opts.decisionIntervalMs - this.now();
        // Idle: a push wakes the loop at once; the timeout only lets the clock close quiet windows.
        const busy = this.pending();
        await this.queue.wait(busy ? Math.max(0, dueIn) : IDLE_TICK_MS);
      }
      this.ingest(this.queue.take(this.opts.sliceLines ?? 8192));
      if (this.queue.length === 0 && (this.deps.caughtUp?.() ?? true)) {
        this.deps.engine.advanceTo(this.eventNow() - this.opts.lateGraceMs, this.closed);
      }
      if (this.pending() && this.decisionDue()) {
        await this.decide().catch((err) => this.deps.onCommitError?.(err as Error));
      } else if (this.queue.length > 0) {
        await new Promise((r) => setImmediate(r)); // let the tailer and timers run between slices
      }
    }
  }

  /** Something waits for a decision: batches to ack, closed rows, anomalies to commit, entities to rescore. */
  private pending(): boolean {
    return this.held.length > 0 || this.closed.length > 0 || this.uncommitted.length > 0 || !this.rescore.idle;
  }

  /** Live: every decisionIntervalMs. Catching up on a backlog: less often, unless many batches wait for acks. */
  private decisionDue(): boolean {
    if (!this.running || this.held.length >= (this.opts.maxHeldBatches ?? 128)) return true;
    const backlog = this.queue.length > 0;
    const interval = backlog ? (this.opts.catchUpIntervalMs ?? 1000) : this.opts.decisionIntervalMs;
    return this.now() - this.lastDecision >= interval;
  }

  // ---- ingest ----

  private ingest(batches: SourceBatch[]): void {
    const now = this.now();
    for (const b of batches) {
      if (b.type === 'lines') this.ingestLines(b, now);
      else this.ingestEvents(b, now);
      this.held.push(b);
      this.heldSince.set(b, now);
    }
  }

  private ingestLines(b: LineBatch, now: number): void {
    const parser = this.parsers.for(b);
    const ctx = this.ctx;
    ctx.file = b.path;
    const n = b.lines.length;
    this.counts.lines += n;
    this.lineRate.add(n, now);
    this.deps.metrics.lines.inc({ source: b.kind }, n);
    const eventNow = this.eventNow();
    for (let i = 0; i < n; i++) {
      ctx.line = b.firstLineNo + i;
      const r = parser.parse(b.lines[i], ctx);
      if (r.ok) this.push(r.event, eventNow);
      else if ('skip' in r) {
        this.counts.skipped++;
        this.deps.metrics.skipped.inc();
      } else {
        this.counts.parseErrors++;
        this.deps.metrics.parseErrors.inc({ code: r.error.code });
        this.deps.onRejected?.({ sourceId: b.sourceId, file: b.path, line: ctx.line, ...r.error });
      }
    }
  }

  private ingestEvents(b: EventBatch, now: number): void {
    this.counts.lines += b.events.length;
    this.lineRate.add(b.events.length, now);
    this.deps.metrics.lines.inc({ source: b.kind }, b.events.length);
    const eventNow = this.eventNow();
    for (const e of b.events) this.push(e, eventNow);
  }

  private push(e: LogEvent, eventNow: number): void {
    if (e.ts > eventNow + this.opts.maxFutureSkewMs) {
      e.ts = eventNow;
      this.counts.clamped++;
      this.deps.metrics.clockClamped.inc();
    }
    this.counts.events++;
    this.deps.engine.push(e, this.closed);
    this.rescore.observe(e);
  }

  // ---- decide ----

  private async decide(): Promise<void> {
    const started = this.now();
    this.lastDecision = started;
    const scorer = this.deps.slot.current;
    const batches = this.held;
    this.held = [];
    const rows = this.closed;
    this.closed = [];
    if (!this.rescore.idle) this.deps.engine.snapshot(this.rescore.picker(started), rows);
    const fresh: Anomaly[] = [];
    if (scorer && rows.length > 0) {
      const t0 = performance.now();
      const scores = await scorer.score(rows);
      this.deps.metrics.scoring.observe((performance.now() - t0) / 1000);
      for (let i = 0; i < rows.length; i++) {
        const s = scores[i];
        if (s.score < scorer.threshold || !this.dedupe.first(rows[i])) continue;
        // A flagged IP or user needs no more scoring this window; a host's target (top process, mount) can change.
        if (rows[i].entity.kind !== 'host') this.rescore.flag(rows[i].entity, rows[i].start);
        fresh.push(buildAnomaly(rows[i], s, scorer, { ...this.opts, now: this.now }));
        // TreeSHAP costs ~0.7 ms per anomaly: let the tailer run during a burst of them.
        if (fresh.length % 16 === 0) await new Promise((r) => setImmediate(r));
      }
      this.countRows(rows);
    }
    this.counts.decisions++;
    if (fresh.length > 0) this.raised(fresh);
    this.commit(batches, fresh, started, rows.length);
  }

  private countRows(rows: WindowRow[]): void {
    let final = 0;
    for (const r of rows) if (r.final) final++;
    this.counts.rows += rows.length;
    this.deps.metrics.rowsScored.inc({ window: 'final' }, final);
    this.deps.metrics.rowsScored.inc({ window: 'provisional' }, rows.length - final);
  }

  private raised(fresh: Anomaly[]): void {
    this.counts.anomalies += fresh.length;
    this.anomalyHour.add(fresh.length);
    for (const a of fresh) this.deps.metrics.anomalies.inc({ type: a.type, severity: a.severity });
    this.deps.onAnomalies(fresh);
  }

  private commit(batches: SourceBatch[], fresh: Anomaly[], started: number, rows: number): void {
    const anomalies = this.uncommitted.length > 0 ? this.uncommitted.concat(fresh) : fresh;
    try {
      this.deps.commit(anomalies, batches);
      this.uncommitted = [];
      this.commitError = null;
    } catch (err) {
      // Nothing acked: the batches wait (the tailer pauses once enough are unacked) and the anomalies are retried.
      this.uncommitted = anomalies;
      this.held = batches.concat(this.held);
      this.commitError = (err as Error).message;
      throw err;
    }
    const at = this.now();
    for (const b of batches) {
      this.deps.metrics.decisionLag.observe((at - (this.heldSince.get(b) ?? started)) / 1000);
      this.heldSince.delete(b);
    }
    this.deps.onDecided?.({ batches, anomalies: fresh, rows, at });
  }

  // ---- status ----

  stats(): PipelineStats {
    const now = this.now();
    return {
      lines: this.counts.lines,
      events: this.counts.events,
      parseErrors: this.counts.parseErrors,
      skipped: this.counts.skipped,
      decisions: this.counts.decisions,
      rowsScored: this.counts.rows,
      anomalies: this.counts.anomalies,
      anomaliesLastHour: this.anomalyHour.total(now),
      linesPerSecond: Math.round(this.lineRate.perSecond(now)),
      queue: { batches: this.queue.length, lines: this.queue.lines, oldestMs: this.queue.oldestAgeMs(now) },
      held: { batches: this.held.length, anomaliesUncommitted: this.uncommitted.length },
      lastDecisionAt: this.counts.decisions > 0 ? this.lastDecision : null,
      commitFailing: this.commitError,
      clockClamped: this.counts.clamped,
    };
  }
}
