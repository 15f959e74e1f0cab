/**
 * Release quality gate: compares a candidate model's per-type evaluation with the last released bundle's and fails
 * when any anomaly type's recall drops by more than `maxDrop` (default 0.02, two points).
 *
 * Inputs are what the pipeline already writes: `vigil models evaluate --json` output, or a bundle's model-card.json
 * (its `test`, `validation` or `generalization.report` section). Compare like with like: both evaluations should
 * score the same dataset (the gate refuses two evaluate outputs of different datasets).
 *
 * Gated metrics (default both): `recall`, the share of anomalous windows caught, and `incidentRecall`, the share of
 * incidents caught at least once. On the 10-incidents-per-type generalization set one lost incident is a 10-point
 * incident-recall drop, so the default gate also means "no incident that the released model caught is lost".
 *
 *   npx tsx packaging/ci/quality-gate.ts --baseline released.json --candidate new.json [--max-drop 0.02]
 *       [--metrics recall,incidentRecall] [--section test|validation|generalization]
 */
import { readFileSync } from 'node:fs';
import { parseCommand, UsageError } from '../../models/src/util/cli.ts';

export const GATED_METRICS = ['recall', 'incidentRecall', 'precision', 'f1', 'prAuc'] as const;
export type GatedMetric = (typeof GATED_METRICS)[number];
export type Section = 'test' | 'validation' | 'generalization';

/** Per-type figures as the evaluation JSON holds them (NaN was written as null by JSON.stringify). */
export type TypeFigures = Partial<Record<GatedMetric, number | null>> & { incidents?: number; windows?: number };

export interface Evaluation {
  /** Where it came from, for messages: the evaluate output's data dir, or the card section. */
  label: string;
  data?: string;
  byType: Record<string, TypeFigures>;
}

export interface GateRow {
  type: string;
  metric: GatedMetric;
  baseline: number | null;
  candidate: number | null;
  drop: number | null;
  failed: boolean;
  note?: string;
}

export interface GateResult {
  passed: boolean;
  rows: GateRow[];
  failures: GateRow[];
}

type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Reads an evaluate output or a model card section into per-type figures; errors name the file and key. */
export function readEvaluation(json: unknown, file: string, section: Section = 'test'): Evaluation {
  if (!isObj(json)) throw new Error(`${file}: not a JSON object`);
  let report: unknown = json;
  let label = file;
  if (!isObj(json.byType)) {
    report = section === 'generalization' && isObj(json.generalization) ? json.generalization.report : json[section];
    label = `${file} (model card ${section})`;
    if (!isObj(report))
      throw new Error(`${file}: neither an evaluate output (byType) nor a model card with '${section}'`);
  }
  const byType = (report as Json).byType;
  if (!isObj(byType) || Object.keys(byType).length === 0) throw new Error(`${label}: byType is missing or empty`);
  for (const [type, figures] of Object.entries(byType)) {
    if (!isObj(figures)) throw new Error(`${label}: byType.${type} is not an object`);
    for (const m of GATED_METRICS) {
      const v = figures[m];
      if (v !== undefined && v !== null && (typeof v !== 'number' || !Number.isFinite(v))) {
        throw new Error(`${label}: byType.${type}.${m} must be a number or null, got ${JSON.stringify(v)}`);
      }
    }
  }
  return { label, data: typeof json.data === 'string' ? json.data : undefined, byType: byType as Evaluation['byType'] };
}

/**
 * Every type of the baseline is checked for every metric: a drop above `maxDrop`, a type the candidate no longer
 * reports, or a figure that became undefined fails. Types new in the candidate are listed, not gated.
 */
export function qualityGate(
  baseline: Evaluation,
  candidate: Evaluation,
  opts: { maxDrop?: number; metrics?: readonly GatedMetric[] } = {},
): GateResult {
  const maxDrop = opts.maxDrop ?? 0.02;
  const metrics = opts.metrics ?? (['recall', 'incidentRecall'] as const);
  if (baseline.data && candidate.data && baseline.data !== candidate.data) {
    throw new Error(
      `the evaluations scored different datasets (${baseline.data} vs ${candidate.data}): compare like with like`,
    );
  }
  const rows: GateRow[] = [];
  for (const type of Object.keys(baseline.byType).sort()) {
    const b = baseline.byType[type];
    const c = candidate.byType[type];
    for (const metric of metrics) {
      const bv = b[metric] ?? null;
      if (!c) {
        rows.push({ type, metric, baseline: bv, candidate: null, drop: null, failed: true, note: 'type missing' });
        continue;
      }
      const cv = c[metric] ?? null;
      if (bv === null) {
        rows.push({ type, metric, baseline: null, candidate: cv, drop: null, failed: false, note: 'no baseline' });
        continue;
      }
      if (cv === null) {
        rows.push({ type, metric, baseline: bv, candidate: null, drop: null, failed: true, note: 'now undefined' });
        continue;
      }
      const drop = bv - cv;
      // a tolerance far below any real change, so 0.02 exactly is not failed by float rounding
      rows.push({ type, metric, baseline: bv, candidate: cv, drop, failed: drop > maxDrop + 1e-12 });
    }
  }
  for (const type of Object.keys(candidate.byType).sort()) {
    if (baseline.byType[type]) continue;
    for (const metric of metrics) {
      const cv = candidate.byType[type][metric] ?? null;
      rows.push({ type, metric, baseline: null, candidate: cv, drop: null, failed: false, note: 'new type' });
    }
  }
  const failures = rows.filter((r) => r.failed);
  return { passed: failures.length === 0, rows, failures };
}

const fmt = (v: number | null) => (v === null ? 'n/a' : v.toFixed(3));
const pts = (v: number | null) => (v === null ? '' : `${v > 0 ? '-' : '+'}${Math.abs(v * 100).toFixed(1)}`);

/** A markdown report (for the job summary): failures first, then every row. */
export function gateReport(r: GateResult, maxDrop: number): string {
  const head = r.passed
    ? `Quality gate passed: no anomaly type lost more than ${(maxDrop * 100).toFixed(1)} points.`
    : `Quality gate FAILED: ${r.failures.length} figure(s) dropped more than ${(maxDrop * 100).toFixed(1)} points.`;
  const line = (x: GateRow) =>
    `| ${x.failed ? '**FAIL**' : 'ok'} | ${x.type} | ${x.metric} | ${fmt(x.baseline)} | ${fmt(x.candidate)} | ${pts(x.drop)} | ${x.note ?? ''} |`;
  const rows = [...r.failures, ...r.rows.filter((x) => !x.failed)];
  return [
    head,
    '',
    '| | type | metric | released | candidate | points | note |',
    '| --- | --- | --- | ---: | ---: | ---: | --- |',
    ...rows.map(line),
  ].join('\n');
}

const USAGE = `Usage: quality-gate --baseline FILE --candidate FILE [--max-drop 0.02] [--metrics recall,incidentRecall]
                    [--section test|validation|generalization]`;

export function main(argv: string[], out: (s: string) => void = (s) => process.stdout.write(s)): number {
  const parsed = parseCommand(argv, {
    usage: USAGE,
    options: {
      baseline: { type: 'string' },
      candidate: { type: 'string' },
      'max-drop': { type: 'string' },
      metrics: { type: 'string' },
      section: { type: 'string' },
    },
  });
  if (!parsed) return 0;
  const v = parsed.values;
  if (!v.baseline || !v.candidate) throw new UsageError(`--baseline and --candidate are required\n\n${USAGE}`);
  const maxDrop = v['max-drop'] === undefined ? 0.02 : Number(v['max-drop']);
  if (!(maxDrop >= 0 && maxDrop < 1))
    throw new UsageError(`--max-drop must be a fraction in [0, 1), got '${v['max-drop']}'`);
  const metrics = (v.metrics ?? 'recall,incidentRecall').split(',') as GatedMetric[];
  const bad = metrics.find((m) => !(GATED_METRICS as readonly string[]).includes(m));
  if (bad) throw new UsageError(`--metrics: '${bad}' is not one of ${GATED_METRICS.join(', ')}`);
  const section = (v.section ?? 'test') as Section;
  if (!['test', 'validation', 'generalization'].includes(section)) {
    throw new UsageError(`--section must be test, validation or generalization, got '${section}'`);
  }
  const load = (file: string) => readEvaluation(JSON.parse(readFileSync(file, 'utf8')), file, section);
  const result = qualityGate(load(v.baseline), load(v.candidate), { maxDrop, metrics });
  out(`${gateReport(result, maxDrop)}\n`);
  return result.passed ? 0 : 1;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  try {
    process.exitCode = main(process.argv.slice(2));
  } catch (err) {
    process.stderr.write(`quality-gate: ${(err as Error).message}\n`);
    process.exitCode = 2;
  }
}
