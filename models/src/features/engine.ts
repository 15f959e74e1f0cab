import { type Static, Type } from '@sinclair/typebox';
import type { EntityRef, LogEvent } from '../schema/index.ts';
import { compileValidator } from '../schema/index.ts';
import { BoundedMap } from './bounded-map.ts';
import { entitiesOf, entityKey } from './entities.ts';
import { EntityState } from './entity-state.ts';
import { FEATURE_DEFS, type FeatureInput } from './feature-defs.ts';
import { FEATURE_COUNT, type FeatureSchema, featureSchema } from './schema.ts';
import { type ProcessTarget, WindowAcc } from './window-acc.ts';

export const FeatureConfigSchema = Type.Object(
  {
    windowMs: Type.Integer({ minimum: 10_000, maximum: 3_600_000, default: 300_000 }),
    rollingMs: Type.Integer({ minimum: 60_000, maximum: 86_400_000, default: 3_600_000 }),
    sessionGapMs: Type.Integer({ minimum: 1000, default: 1_800_000 }),
    baselineAlpha: Type.Number({ exclusiveMinimum: 0, maximum: 1, default: 0.05 }),
    /** LRU bound on tracked entities; the memory bound follows from it (docs/benchmarks.md). */
    maxEntities: Type.Integer({ minimum: 100, default: 50_000 }),
    /** Entities idle this long are forgotten. */
    entityTtlMs: Type.Integer({ minimum: 60_000, default: 14 * 86_400_000 }),
  },
  { additionalProperties: false },
);
export type FeatureConfig = Static<typeof FeatureConfigSchema>;
export const DEFAULT_FEATURE_CONFIG: FeatureConfig = {
  windowMs: 300_000,
  rollingMs: 3_600_000,
  sessionGapMs: 1_800_000,
  baselineAlpha: 0.05,
  maxEntities: 50_000,
  entityTtlMs: 14 * 86_400_000,
};
const validateConfig = compileValidator(FeatureConfigSchema);

/** One scored unit: an entity's features over one window. */
export interface WindowRow {
  entity: EntityRef;
  start: number;
  end: number;
  features: Float32Array;
  /** Sample raw lines for evidence (bounded). */
  lines: string[];
  /** Identities a playbook may act on, as the detector saw them (re-verified by the playbook). */
  targets: Record<string, string | number>;
  /** False for a snapshot of a window that is still open. */
  final: boolean;
}

export interface EngineStats {
  entities: number;
  evictions: number;
  lateEvents: number;
  windowsClosed: number;
}

interface Tracked {
  ref: EntityRef;
  state: EntityState;
  acc: WindowAcc | undefined;
}

/** Instance families as a stable small integer; unknown types map to 0. */
const FAMILIES = [
  't2',
  't3',
  't3a',
  't4g',
  'm5',
  'm6i',
  'm6g',
  'm7i',
  'c5',
  'c6i',
  'c6g',
  'c7g',
  'r5',
  'r6i',
  'g4dn',
  'p3',
];
function instanceFamily(type: string | undefined): number {
  return type ? FAMILIES.indexOf(type.split('.')[0]) + 1 : 0;
}

/**
 * The streaming feature engine: the one implementation that training replays history through and that the agent and
 * the control plane run live. Events go in (roughly in time order); a row per active entity comes out when its
 * tumbling window closes. `snapshot()` reads open windows early so serving need not wait for the window to end.
 */
export class FeatureEngine {
  readonly config: FeatureConfig;
  readonly schema: FeatureSchema;
  private readonly entities: BoundedMap<string, Tracked>;
  private readonly open = new Set<Tracked>();
  private readonly hostTypes = new Map<string, string>();
  private windowNo = Number.NaN;
  private readonly scratch: EntityRef[] = [];
  private readonly rollingSpan: number;
  private readonly stats = { lateEvents: 0, windowsClosed: 0 };

  constructor(config: Partial<FeatureConfig> = {}) {
    this.config = validateConfig({ ...DEFAULT_FEATURE_CONFIG, ...config }, 'feature config');
    this.schema = featureSchema(this.config.windowMs, this.config.rollingMs);
    this.entities = new BoundedMap(this.config.maxEntities);
    this.rollingSpan = Math.max(1, Math.round(this.config.rollingMs / this.config.windowMs));
  }

  /** Context the logs do not carry (the agent knows its instance type from instance metadata). */
  setHostContext(host: string, instanceType: string): void {
    this.hostTypes.set(host, instanceType);
  }

  /** Adds an event; returns the rows of any windows this event's time closed. */
  push(e: LogEvent, out: WindowRow[] = []): WindowRow[] {
    const w = Math.floor(e.ts / this.config.windowMs);
    if (Number.isNaN(this.windowNo)) this.windowNo = w;
    if (w > this.windowNo) this.close(w, out);
    else if (w < this.windowNo) this.stats.lateEvents++; // counted into the open window: late, never lost
    if (e.host && e.instanceType) this.hostTypes.set(e.host, e.instanceType);
    for (const ref of entitiesOf(e, this.scratch)) {
      const key = entityKey(ref.kind, ref.id);
      let t = this.entities.get(key);
      if (!t) {
        t = { ref: { ...ref }, state: new EntityState(ref.kind, e.ts, this.config), acc: undefined };
        this.entities.set(key, t);
      }
      if (!t.acc) {
        t.acc = new WindowAcc();
        this.open.add(t);
      }
      t.acc.add(e);
      t.state.observe(e, t.acc);
    }
    return out;
  }

  /** Moves the clock forward without an event (the agent calls this on a timer so quiet windows still close). */
  advanceTo(ts: number, out: WindowRow[] = []): WindowRow[] {
    const w = Math.floor(ts / this.config.windowMs);
    if (!Number.isNaN(this.windowNo) && w > this.windowNo) this.close(w, out);
    return out;
  }

  /** Closes the open window (end of input). */
  flush(out: WindowRow[] = []): WindowRow[] {
    if (!Number.isNaN(this.windowNo)) this.close(this.windowNo + 1, out);
    return out;
  }

  /** Provisional rows for open windows, without committing them to any baseline. */
  snapshot(filter?: (ref: EntityRef) => boolean, out: WindowRow[] = []): WindowRow[] {
    for (const t of this.open) if (!filter || filter(t.ref)) out.push(this.row(t, false));
    return out;
  }

  getStats(): EngineStats {
    return { entities: this.entities.size, evictions: this.entities.evictions, ...this.stats };
  }

  private close(nextWindow: number, out: WindowRow[]): void {
    const hour = new Date(this.windowNo * this.config.windowMs).getUTCHours();
    for (const t of this.open) {
      const row = this.row(t, true);
      out.push(row);
      t.state.commitDecayed(row.features, row.end);
      t.state.commit(this.windowNo, hour, t.acc as WindowAcc);
      t.acc = undefined;
    }
    this.open.clear();
    this.stats.windowsClosed++;
    const crossedDay =
      Math.floor((nextWindow * this.config.windowMs) / 86_400_000) !==
      Math.floor((this.windowNo * this.config.windowMs) / 86_400_000);
    this.windowNo = nextWindow;
    if (crossedDay) this.evictIdle(nextWindow * this.config.windowMs);
  }

  private evictIdle(now: number): void {
    const cutoff = now - this.config.entityTtlMs;
    for (const [key, t] of this.entities.entries()) {
      if (t.state.lastSeen < cutoff) this.entities.delete(key);
    }
  }

  private row(t: Tracked, final: boolean): WindowRow {
    const acc = t.acc as WindowAcc;
    const start = this.windowNo * this.config.windowMs;
    const input: FeatureInput = {
      acc,
      state: t.state,
      windowNo: this.windowNo,
      windowStart: start,
      windowMs: this.config.windowMs,
      rollingSpan: this.rollingSpan,
      instanceFamily: t.ref.kind === 'host' ? instanceFamily(this.hostTypes.get(t.ref.id)) : 0,
    };
    const features = new Float32Array(FEATURE_COUNT);
    for (let i = 0; i < FEATURE_COUNT; i++) features[i] = FEATURE_DEFS[i].f(input);
    return {
      entity: t.ref,
      start,
      end: start + this.config.windowMs,
      features,
      lines: acc.lines.slice(),
      targets: targetsOf(t.ref, acc),
      final,
    };
  }
}

function targetsOf(ref: EntityRef, acc: WindowAcc): Record<string, string | number> {
  const targets: Record<string, string | number> = {};
  if (ref.kind === 'ip') targets.ip = ref.id;
  if (ref.kind === 'host') {
    targets.host = ref.id;
    const p: ProcessTarget | undefined = acc.topProcess;
    if (p) {
      Object.assign(targets, { pid: p.pid, startTime: p.startTime, exe: p.exe, cpu: p.cpu });
      if (p.startTicks !== undefined) targets.startTicks = p.startTicks;
    }
    if (acc.topMount) targets.mount = acc.topMount;
  }
  return targets;
}
