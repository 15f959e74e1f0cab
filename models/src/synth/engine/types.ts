import type { AnomalyType, EntityRef } from '../../schema/anomaly.ts';
import type { LogSource } from '../../schema/event.ts';
import type { Variant } from '../../schema/label.ts';
import type { ProcSample } from '../format/samples.ts';
import type { Rng } from '../rng.ts';
import type { Sink } from '../types.ts';
import type { World } from '../world/index.ts';

/** One hour of generation for one source. */
export interface SlotCtx {
  world: World;
  overlays: Overlays;
  rng: Rng;
  start: number;
  end: number;
  sink: Sink;
}

/** A kind of normal activity inside a source (a user's SSH sessions, cron, scanners...). */
export interface Actor {
  /** Relative rate at time t (>= 0). */
  weight(t: number): number;
  /** Emit one unit starting at t using at most `max` lines; returns the lines written (0 = does not fit). */
  emit(t: number, max: number, ctx: SlotCtx): number;
}

/** Normal traffic of one log source. */
export interface NormalSource {
  source: LogSource;
  weight(t: number): number;
  /**
   * Write at least `count` lines (at most `count + slack`) whose units start inside [ctx.start, ctx.end);
   * returns the number written.
   */
  emit(ctx: SlotCtx, count: number, slack: number): number;
}

/** Draft of a Label: `events` is counted from the lines actually tagged with `id`. */
export interface LabelDraft {
  id: string;
  source: LogSource;
  entity: EntityRef;
  start: number;
  end: number;
  description: string;
  targets?: Record<string, string | number>;
  /** Lines the injector itself writes for this label (the budget reserves them). */
  plannedLines: number;
}

/** Writes a planned number of lines on its own clock (incidents, scheduled jobs); called once per slot in order. */
export interface TimedEmitter {
  id: string;
  start: number;
  end: number;
  /** Exact lines it writes per source: the budget reserves them. */
  lines: Partial<Record<LogSource, number>>;
  /** Write every line whose unit time is < until. */
  emitUntil(until: number, sink: Sink): void;
}

/** One injected incident and its labels. */
export interface Incident extends TimedEmitter {
  type: AnomalyType;
  variant: Variant;
  intensity: number;
  labels: LabelDraft[];
}

export interface DiskOverlay {
  hostname: string;
  mount: string;
  start: number;
  end: number;
  label: string;
  /** Used fraction at t given what normal behaviour would show. */
  usedFrac(t: number, normal: number): number;
}

export interface ProcessOverlay {
  hostname: string;
  start: number;
  end: number;
  label: string;
  /** Extra processes the sampler sees at t (the miner). */
  procs(t: number): ProcSample[];
  /** Extra load average the processes add. */
  load: number;
}

export interface LambdaOverlay {
  fn: string;
  start: number;
  end: number;
  label: string;
  kind: 'timeout' | 'memory' | 'errors';
  /** Share of normal invocations affected in the window. */
  p: number;
}

/** Incidents that change how normal traffic looks while they last; normal lines they touch carry their label. */
export class Overlays {
  readonly disk: DiskOverlay[] = [];
  readonly process: ProcessOverlay[] = [];
  readonly lambda: LambdaOverlay[] = [];

  diskAt(hostname: string, mount: string, t: number): DiskOverlay | undefined {
    return this.disk.find((o) => o.hostname === hostname && o.mount === mount && t >= o.start && t < o.end);
  }

  processAt(hostname: string, t: number): ProcessOverlay | undefined {
    return this.process.find((o) => o.hostname === hostname && t >= o.start && t < o.end);
  }

  lambdaAt(fn: string, t: number): LambdaOverlay | undefined {
    return this.lambda.find((o) => o.fn === fn && t >= o.start && t < o.end);
  }
}

/** Everything an injector needs to plan one incident. */
export interface PlanCtx {
  world: World;
  overlays: Overlays;
  rng: Rng;
  id: string;
  type: AnomalyType;
  variant: Variant;
  intensity: number;
  /** Where in the range the incident should start (the planner spreads incidents over the year). */
  anchor: number;
  /** Lines-per-incident multiplier: samples / 100,000 (the default dataset is the reference). */
  scale: number;
  /** 1, or less when small datasets cannot hold every incident at its minimum size (shrinks the floors). */
  fit: number;
}

export interface Injector {
  types: readonly AnomalyType[];
  /** Types of this family that have a low-and-slow form. */
  lowAndSlow: readonly AnomalyType[];
  plan(ctx: PlanCtx): Incident;
}
