import { FeatureEngine, type WindowRow } from '../../../models/src/features/engine.ts';
import { BundleScorer } from '../../../models/src/onnx/row-scorer.ts';
import { type ErrorRecord, parsePaths } from '../../../models/src/parse/run.ts';
import type { LogFormat } from '../../../models/src/parse/types.ts';
import type { Anomaly, LogEvent } from '../../../models/src/schema/index.ts';
import { createPlaybooks, Guards, type Policy } from '../respond/index.ts';
import { disableOrtTelemetry } from '../runtime/ort-env.ts';
import { AnomalyDedupe, buildAnomaly } from './anomalies.ts';

export interface ReplayOptions {
  files: string[];
  bundleDir: string;
  policy: Policy;
  format?: LogFormat;
  year?: number;
  host: string;
  evidenceLines?: number;
  topFeatures?: number;
  /** Refuse inputs with more events than this (replay holds every event in memory to order them by time). */
  maxEvents?: number;
}

/** What a playbook would have done about an anomaly. Nothing is executed in a replay. */
export interface WouldDo {
  anomalyId: string;
  playbook: string;
  mode: string;
  decision: 'would-execute' | 'would-recommend' | 'refused' | 'denied';
  target?: string;
  why: string;
}

export interface ReplayReport {
  bundle: { version: string; dir: string; threshold: number };
  parse: { files: number; lines: number; events: number; errors: number; skipped: number };
  errors: ErrorRecord[];
  rowsScored: number;
  anomalies: Anomaly[];
  actions: WouldDo[];
}

const CHUNK = 4096;

/**
 * Offline scoring: parse the files with the production parsers, replay the events in time order through the serving
 * feature engine, score every closed window with the bundle, and ask each playbook what it would do (plan only; the
 * firewall backend is forced to dry-run and clean-disk to a dry run, and execute() is never called).
 */
export async function replay(opts: ReplayOptions): Promise<ReplayReport> {
  const events: LogEvent[] = [];
  const max = opts.maxEvents ?? 5_000_000;
  const summary = await parsePaths(
    opts.files,
    {
      event: (e) => {
        if (events.length >= max) throw new Error(`replay holds at most ${max} events in memory; split the input`);
        events.push(e);
      },
    },
    { format: opts.format, year: opts.year, maxErrorSamples: 100 },
  );
  events.sort((a, b) => a.ts - b.ts); // stable: ties keep file order
  const engine = new FeatureEngine();
  disableOrtTelemetry();
  const scorer = await BundleScorer.load(opts.bundleDir, { expectedFeatureHash: engine.schema.hash });
  try {
    const rows: WindowRow[] = [];
    for (const e of events) engine.push(e, rows);
    engine.flush(rows);
    const anomalies = await score(rows, scorer, opts);
    return {
      bundle: { version: scorer.version, dir: scorer.dir, threshold: scorer.threshold },
      parse: {
        files: summary.files,
        lines: summary.lines,
        events: summary.events,
        errors: summary.errors,
        skipped: summary.skipped,
      },
      errors: summary.errorSamples,
      rowsScored: rows.length,
      anomalies,
      actions: await wouldDo(anomalies, opts.policy),
    };
  } finally {
    await scorer.close();
  }
}

async function score(rows: WindowRow[], scorer: BundleScorer, opts: ReplayOptions): Promise<Anomaly[]> {
  const dedupe = new AnomalyDedupe();
  const out: Anomaly[] = [];
  for (let i = 0; i < rows.length; i += CHUNK) {
    const chunk = rows.slice(i, i + CHUNK);
    const scores = await scorer.score(chunk);
    chunk.forEach((row, k) => {
      if (scores[k].score < scorer.threshold || !dedupe.first(row)) return;
      out.push(
        buildAnomaly(row, scores[k], scorer, {
          host: opts.host,
          evidenceLines: opts.evidenceLines ?? 8,
          topFeatures: opts.topFeatures ?? 8,
          now: () => row.end, // decided when the window closed: the same output for the same input
        }),
      );
    });
  }
  return out;
}

async function wouldDo(anomalies: Anomaly[], policy: Policy): Promise<WouldDo[]> {
  const safe: Policy = structuredClone(policy);
  safe.playbooks['block-ip'].backend = 'dry-run';
  safe.playbooks['clean-disk'].dryRun = true;
  const { playbooks } = await createPlaybooks(safe);
  let clock = 0;
  const guards = new Guards(safe, () => clock);
  const out: WouldDo[] = [];
  for (const a of anomalies) {
    clock = a.detectedAt;
    for (const pb of playbooks) {
      const mode = safe.playbooks[pb.name].mode;
      if (mode === 'off' || !pb.appliesTo(a)) continue;
      const base = { anomalyId: a.id, playbook: pb.name, mode };
      const plan = await pb
        .plan(a)
        .catch((err: Error) => ({ ok: false as const, reason: `plan failed: ${err.message}` }));
      if (!plan.ok) {
        out.push({ ...base, decision: 'refused', why: plan.reason });
        continue;
      }
      if (mode === 'recommend') {
        out.push({ ...base, decision: 'would-recommend', target: plan.targetKey, why: plan.summary });
        continue;
      }
      const admitted = guards.admit(pb.name, plan.targetKey);
      out.push(
        admitted.ok
          ? { ...base, decision: 'would-execute', target: plan.targetKey, why: plan.summary }
          : { ...base, decision: 'denied', target: plan.targetKey, why: admitted.reason },
      );
    }
  }
  return out;
}
