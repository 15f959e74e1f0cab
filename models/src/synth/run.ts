import type { AnomalyType } from '../schema/anomaly.ts';
import { ANOMALY_TYPES } from '../schema/anomaly.ts';
import { LOG_SOURCES, type LogSource } from '../schema/event.ts';
import type { Label } from '../schema/label.ts';
import { planIncidents } from './anomalies/plan.ts';
import { type Budget, generateRecords, planBudget } from './engine/generate.ts';
import type { Incident, Overlays, TimedEmitter } from './engine/types.ts';
import { files } from './format/files.ts';
import { normalSources } from './normal/index.ts';
import { scheduledJobs } from './normal/schedules.ts';
import { resolveScenario, type Scenario, type ScenarioOverrides } from './scenario.ts';
import type { ScenarioFile } from './scenario-schema.ts';
import type { SynthRecord } from './types.ts';
import { buildWorld, type World } from './world/index.ts';

export interface SynthOptions extends ScenarioOverrides {
  /** A scenario file's content (validated) or nothing for the defaults. */
  scenario?: ScenarioFile;
}

export interface AnomalyCount {
  incidents: number;
  labels: number;
  events: number;
  lowAndSlow: number;
}

export interface RunCounts {
  sources: Record<LogSource, number>;
  /** Lines that belong to a label, per source. */
  labelled: Record<LogSource, number>;
  files: Record<string, number>;
  anomalies: Record<AnomalyType, AnomalyCount>;
}

const zeroSources = () => Object.fromEntries(LOG_SOURCES.map((s) => [s, 0])) as Record<LogSource, number>;

/**
 * One generation run: the resolved scenario, the world, the planned incidents and budget. `records()` streams the
 * dataset once in time order; labels and counts are complete after it is exhausted.
 */
export class SynthRun {
  readonly scenario: Scenario;
  readonly world: World;
  readonly incidents: Incident[];
  readonly budget: Budget;
  private readonly schedules: TimedEmitter[];
  private readonly overlays: Overlays;
  private readonly events = new Map<string, number>();
  private readonly counts: RunCounts;
  private done = false;
  private started = false;

  constructor(options: SynthOptions = {}) {
    this.scenario = resolveScenario(options.scenario ?? {}, { seed: options.seed, samples: options.samples });
    this.world = buildWorld(this.scenario);
    const planned = planIncidents(this.world);
    this.incidents = planned.incidents;
    this.overlays = planned.overlays;
    this.schedules = scheduledJobs(this.world);
    this.budget = planBudget(this.world, [...this.incidents, ...this.schedules]);
    this.counts = {
      sources: zeroSources(),
      labelled: zeroSources(),
      files: {},
      anomalies: {} as Record<AnomalyType, AnomalyCount>,
    };
    for (const f of this.fileList()) this.counts.files[f] = 0;
  }

  /** Every file the dataset has (written even when empty), sorted. */
  fileList(): string[] {
    const w = this.world;
    return [
      ...w.hosts.flatMap((h) => [
        files.auth(h.hostname),
        files.syslog(h.hostname),
        files.process(h.hostname),
        files.disk(h.hostname),
      ]),
      ...w.functions.map((f) => files.lambda(f.name)),
      ...w.buckets.map((b) => files.s3(b.name)),
      files.vpc(),
      files.cloudtrail(),
    ].sort();
  }

  *records(): Generator<SynthRecord> {
    if (this.started)
      throw new Error('SynthRun.records() can be iterated once; create a new run to read the dataset again');
    this.started = true;
    const { counts, events } = this;
    for (const r of generateRecords(
      {
        world: this.world,
        overlays: this.overlays,
        emitters: [...this.incidents, ...this.schedules],
        sources: normalSources(this.world),
      },
      this.budget,
    )) {
      counts.sources[r.source]++;
      counts.files[r.file] = (counts.files[r.file] ?? 0) + 1;
      if (r.label !== undefined) {
        counts.labelled[r.source]++;
        events.set(r.label, (events.get(r.label) ?? 0) + 1);
      }
      yield r;
    }
    this.done = true;
  }

  /** Ground truth, one Label per (incident, source), ordered by start time. */
  labels(): Label[] {
    this.requireDone();
    const out: Label[] = [];
    for (const inc of this.incidents) {
      for (const d of inc.labels) {
        const label: Label = {
          id: d.id,
          incident: inc.id,
          type: inc.type,
          source: d.source,
          entity: d.entity,
          start: d.start,
          end: d.end,
          intensity: inc.intensity,
          variant: inc.variant,
          events: this.events.get(d.id) ?? 0,
          description: d.description,
        };
        if (d.targets) label.targets = d.targets;
        out.push(label);
      }
    }
    return out.sort((a, b) => a.start - b.start || (a.id < b.id ? -1 : 1));
  }

  summary(): RunCounts {
    this.requireDone();
    const anomalies = Object.fromEntries(
      ANOMALY_TYPES.map((t) => [t, { incidents: 0, labels: 0, events: 0, lowAndSlow: 0 }]),
    ) as Record<AnomalyType, AnomalyCount>;
    for (const inc of this.incidents) {
      const a = anomalies[inc.type];
      a.incidents++;
      if (inc.variant === 'low_and_slow') a.lowAndSlow++;
      for (const l of inc.labels) {
        a.labels++;
        a.events += this.events.get(l.id) ?? 0;
      }
    }
    return { ...this.counts, anomalies };
  }

  private requireDone(): void {
    if (!this.done) throw new Error('the run has not been generated yet: exhaust records() first');
  }
}

/** The dataset as an ordered stream of records (line + the event it must parse back to). */
export function* iterateDataset(options: SynthOptions = {}): Generator<SynthRecord> {
  yield* new SynthRun(options).records();
}
