import type { HostOutcome } from './fleet.ts';

export interface FleetSummary {
  hosts: number;
  linesPerSecond: number;
  lines: number;
  anomalies: number;
  actions: number;
  byOutcome: Record<string, number>;
  incidents: number | null;
}

export function summarize(outcomes: HostOutcome[], incidents: number | null): FleetSummary {
  const s: FleetSummary = {
    hosts: outcomes.length,
    linesPerSecond: 0,
    lines: 0,
    anomalies: 0,
    actions: 0,
    byOutcome: {},
    incidents,
  };
  for (const o of outcomes) {
    if (!o.status) continue;
    s.linesPerSecond += o.status.pipeline.linesPerSecond;
    s.lines += o.status.pipeline.lines;
    s.anomalies += o.status.anomalies.total;
    s.actions += o.status.actions.total;
    for (const [k, v] of Object.entries(o.status.actions.byOutcome)) s.byOutcome[k] = (s.byOutcome[k] ?? 0) + v;
  }
  return s;
}

export function summaryLine(s: FleetSummary, eventTime: number): string {
  const outcomes = Object.entries(s.byOutcome)
    .map(([k, v]) => `${v} ${k}`)
    .join(', ');
  const at = new Date(eventTime).toISOString().slice(11, 16);
  return (
    `[event time ${at}Z] hosts ${s.hosts} | ${Math.round(s.linesPerSecond)} lines/s (${s.lines} read) | ` +
    `anomalies ${s.anomalies} | incidents ${s.incidents ?? '-'} | actions ${s.actions}${outcomes ? ` (${outcomes})` : ''}`
  );
}
