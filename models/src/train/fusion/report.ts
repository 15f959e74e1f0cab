import type { EvalReport } from '../../eval/metrics.ts';
import type { Column } from './experiment.ts';
import type { FusionReport, LeaveOutRecall } from './run.ts';

const f3 = (x: number | undefined) => (x === undefined || Number.isNaN(x) ? '–' : x.toFixed(3));
const f2 = (x: number | undefined) => (x === undefined || Number.isNaN(x) ? '–' : x.toFixed(2));

function overallTable(title: string, reps: Partial<Record<Column, EvalReport>>): string {
  const lines = [
    `#### ${title}: overall`,
    '',
    '| model | threshold | incident recall | alert precision | window precision | false alarms / entity-week | alerts |',
    '|---|---|---|---|---|---|---|',
  ];
  for (const [col, r] of Object.entries(reps) as [Column, EvalReport][]) {
    const o = r.overall;
    lines.push(
      `| ${col} | ${r.threshold.toPrecision(4)} | ${f3(o.incidentRecall)} (${o.incidents}) | ${f3(o.alertPrecision)} | ${f3(o.precision)} | ${f3(o.falseAlarmsPerEntityWeek)} | ${o.alerts} |`,
    );
  }
  return lines.join('\n');
}

/** Per type: incident recall of every column; window precision and false alarms by the typer's predicted type. */
function byTypeTable(title: string, reps: Partial<Record<Column, EvalReport>>): string {
  const cols = Object.keys(reps) as Column[];
  const types = Object.keys(reps[cols[0]]?.byType ?? {}).sort();
  const lines = [
    `#### ${title}: incident recall per type (window precision / false alarms per entity-week of the fused column in brackets)`,
    '',
    `| type | incidents | ${cols.join(' | ')} |`,
    `|---|---|${cols.map(() => '---').join('|')}|`,
  ];
  const fusedCol = cols[cols.length - 1];
  for (const t of types) {
    const cell = (c: Column) => f2(reps[c]?.byType[t as keyof EvalReport['byType']]?.incidentRecall);
    const fm = reps[fusedCol]?.byType[t as keyof EvalReport['byType']];
    lines.push(
      `| ${t} | ${fm?.incidents ?? 0} | ${cols.map((c) => (c === fusedCol ? `${cell(c)} (${f2(fm?.precision)} / ${f3(fm?.falseAlarmsPerEntityWeek)})` : cell(c))).join(' | ')} |`,
    );
  }
  return lines.join('\n');
}

const cells = (x: LeaveOutRecall) =>
  [x.incidents, f2(x.xgboost), f2(x.autoencoder), f2(x.fused_max), f2(x.fused_stack)].join(' | ');

/** Mean recall of the unseen type over the left-out types, per column (the issue's goal is ≥ 0.8). */
function leaveOutSummary(r: FusionReport): string {
  const cols = ['xgboost', 'autoencoder', 'fused_max', 'fused_stack'] as const;
  const part = (k: 'test' | 'generalization') =>
    cols
      .map((c) => {
        const v = r.leaveOneOut.map((x) => x[k][c]).filter((n) => !Number.isNaN(n));
        const mean = v.reduce((a, b) => a + b, 0) / Math.max(1, v.length);
        return `${c} mean ${f2(mean)}, ≥ 0.8 on ${v.filter((n) => n >= 0.8).length}/${v.length}`;
      })
      .join('; ');
  return `Unseen-type recall, test span: ${part('test')}.\n\nGeneralization: ${part('generalization')}.`;
}

function leaveOutTable(r: FusionReport): string {
  const lines = [
    `#### Leave-one-type-out: incident recall of the unseen type T (XGBoost trained without T; validation picked ${r.chosenFusion})`,
    '',
    '| left-out type | test incidents | XGBoost w/o T | autoencoder | fused_max | fused_stack | gen. incidents | XGBoost w/o T | autoencoder | fused_max | fused_stack |',
    '|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const x of r.leaveOneOut) {
    lines.push(`| ${x.type} | ${cells(x.test)} | ${cells(x.generalization)} |`);
  }
  return lines.join('\n');
}

function contributorLine(r: FusionReport): string {
  const fmt = (o: Record<string, { windows: number; anomalous: number }>) =>
    Object.entries(o)
      .map(([k, v]) => `${k} ${v.windows} (${v.anomalous} anomalous)`)
      .join(', ');
  return `Firing ${r.chosenFusion} windows by contributing model: test ${fmt(r.contributors.test)}; generalization ${fmt(r.contributors.generalization)}.`;
}

export function formatReport(r: FusionReport): string {
  const vf = Object.entries(r.validationAlertF1)
    .map(([k, v]) => `${k} ${v.toFixed(3)}`)
    .join(', ');
  return [
    `### Score fusion ablation (seed ${r.seed})`,
    '',
    `Command: \`${r.command}\``,
    '',
    `Validation alert-level F1 (incident recall × alert precision): ${vf}. Chosen: **${r.chosenFusion}**.`,
    '',
    overallTable('data/default held-out test span', r.ablation.test),
    '',
    byTypeTable('data/default held-out test span', r.ablation.test),
    '',
    overallTable('data/generalization (thresholds frozen from data/default validation)', r.ablation.generalization),
    '',
    byTypeTable('data/generalization', r.ablation.generalization),
    '',
    contributorLine(r),
    '',
    leaveOutTable(r),
    '',
    leaveOutSummary(r),
    '',
  ].join('\n');
}
