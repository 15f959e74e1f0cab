import type { EvalReport, TypeMetrics } from './metrics.ts';

const pct = (x: number) => (Number.isFinite(x) ? x.toFixed(3) : 'n/a');
const num = (x: number) => (Number.isFinite(x) ? x.toFixed(x < 10 ? 2 : 0) : 'n/a');

/** One markdown table: a row per anomaly type plus the overall row. */
export function reportTable(r: EvalReport): string {
  const head =
    '| type | incidents | incident recall | window precision | window recall | F1 | PR-AUC | false alarms / entity-week | delay median s | delay p95 s |\n| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |';
  const line = (name: string, m: TypeMetrics) =>
    `| ${name} | ${m.incidents} | ${pct(m.incidentRecall)} | ${pct(m.precision)} | ${pct(m.recall)} | ${pct(m.f1)} | ${pct(m.prAuc)} | ${m.falseAlarmsPerEntityWeek.toFixed(4)} | ${num(m.delayMedianS)} | ${num(m.delayP95S)} |`;
  const rows = Object.entries(r.byType).map(([t, m]) => line(t, m as TypeMetrics));
  return [head, ...rows, line('**overall**', r.overall)].join('\n');
}

/** The JSON shape `vigil models evaluate --json` prints: byType/overall with the interface's four figures and more. */
export function reportJson(r: EvalReport) {
  return {
    threshold: r.threshold,
    rows: r.rows,
    entityWeeks: r.entityWeeks,
    overall: r.overall,
    byType: r.byType,
  };
}
