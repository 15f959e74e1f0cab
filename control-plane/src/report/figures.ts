import { barChart, lineChart } from './charts.ts';
import type { ReportModel } from './model.ts';

export interface Figure {
  /** File-name stem when written next to a Markdown report. */
  name: string;
  title: string;
  svg: string;
}

const MAX_LINES = 5;

/** The report's charts, built once and used by both renderers. */
export function figures(m: ReportModel): Figure[] {
  const k = m.kpis;
  const out: Figure[] = [];
  if (k.anomalies.total > 0) {
    // the five largest types get their own line; the rest are summed, so the legend stays readable
    const types = k.anomalies.byType.map((t) => t.key);
    const series = types.slice(0, MAX_LINES).map((name) => ({ name, values: k.anomalies.seriesByType[name] }));
    if (types.length > MAX_LINES) {
      const values = k.buckets.map((_, i) =>
        types.slice(MAX_LINES).reduce((s, t) => s + k.anomalies.seriesByType[t][i], 0),
      );
      series.push({ name: 'other types', values });
    }
    const title = 'Anomalies over time, by type';
    out.push({
      name: 'anomaly-trend',
      title,
      svg: lineChart({
        title,
        xLabel: 'time (UTC)',
        yLabel: 'anomalies per bucket',
        x: k.buckets,
        bucketMs: m.window.bucketMs,
        series,
      }),
    });
  }
  if (k.incidents.total > 0) {
    const title = 'Incidents opened over time';
    out.push({
      name: 'incident-trend',
      title,
      svg: lineChart({
        title,
        xLabel: 'time (UTC)',
        yLabel: 'incidents per bucket',
        x: k.buckets,
        bucketMs: m.window.bucketMs,
        series: [{ name: 'incidents opened', values: k.incidents.openedSeries }],
      }),
    });
    const byType = 'Incidents by type';
    out.push({
      name: 'incidents-by-type',
      title: byType,
      svg: barChart({
        title: byType,
        xLabel: 'incidents opened in the window',
        items: k.incidents.byType.map((t) => ({
          label: t.type,
          value: t.total - t.falsePositive,
          extra: t.falsePositive,
        })),
        legend: ['confirmed or not yet triaged', 'closed as false positive'],
      }),
    });
  }
  return out;
}
