/**
 * The report's content as format-neutral blocks. Everything here is plain text; the HTML and Markdown renderers
 * escape every string they output, so a hostile hostname is inert in both.
 */
import type { DurationStats, SuccessTally } from '../analytics/kpis.ts';
import type { Definition } from './definitions.ts';
import { type Figure, figures } from './figures.ts';
import { count, duration, isoMinute, percent } from './format.ts';
import type { Headline, ReportModel } from './model.ts';

export type Block =
  | { kind: 'p'; text: string }
  | { kind: 'note'; text: string }
  | { kind: 'tiles'; items: Headline[] }
  | { kind: 'figure'; figure: Figure }
  | { kind: 'table'; head: string[]; rows: string[][]; numeric: boolean[] }
  | { kind: 'defs'; items: Definition[] };

export interface Section {
  id: string;
  title: string;
  blocks: Block[];
}

const table = (head: string[], rows: string[][], numeric: boolean[]): Block => ({ kind: 'table', head, rows, numeric });
const tallyCells = (t: SuccessTally) => [count(t.success), count(t.failure), percent(t.rate)];
const durationRow = (name: string, d: DurationStats) => [
  name,
  count(d.n),
  duration(d.p50Ms),
  duration(d.p90Ms),
  duration(d.meanMs),
];

export function sections(m: ReportModel): Section[] {
  const k = m.kpis;
  const fig = new Map(figures(m).map((f) => [f.name, f]));
  const figure = (name: string): Block[] => (fig.has(name) ? [{ kind: 'figure', figure: fig.get(name)! }] : []);
  const u = m.uptimeImprovement;
  const summary =
    `Between ${isoMinute(m.window.from)} and ${isoMinute(m.window.to)}, Vigil recorded ${count(k.anomalies.total)} ` +
    `anomalies and opened ${count(k.incidents.total)} incidents. Autonomous playbooks ran ` +
    `${count(k.actions.autonomous.success + k.actions.autonomous.failure)} times and succeeded in ` +
    `${percent(k.actions.autonomous.rate, 0)} of them` +
    (u.measured
      ? `; in the measured replay they cut downtime by ${duration(u.measured.avoidedMs)}.`
      : `, avoiding an estimated ${duration(u.estimate.avoidedMs)} of downtime against a ` +
        `${duration(u.estimate.humanResponseMs)} human response (assumption below, under Uptime).`);
  return [
    {
      id: 'summary',
      title: 'Executive summary',
      blocks: [
        { kind: 'tiles', items: m.headline },
        { kind: 'p', text: summary },
      ],
    },
    {
      id: 'incidents',
      title: 'Failures and incidents',
      blocks: [
        ...figure('anomaly-trend'),
        ...figure('incident-trend'),
        ...figure('incidents-by-type'),
        table(
          ['Type', 'Opened', 'Open', 'Acknowledged', 'Resolved', 'False positive', 'Precision'],
          k.incidents.byType.map((t) => {
            const p = t.resolved + t.falsePositive > 0 ? t.resolved / (t.resolved + t.falsePositive) : null;
            return [
              t.type,
              ...[t.total, t.open, t.acknowledged, t.resolved, t.falsePositive].map(count),
              percent(p, 0),
            ];
          }),
          [false, true, true, true, true, true, true],
        ),
        table(
          ['Anomalies by source', 'Count'],
          k.anomalies.bySource.map((s) => [s.key, count(s.count)]),
          [false, true],
        ),
      ],
    },
    {
      id: 'response',
      title: 'Detection and response',
      blocks: [
        table(
          ['Measure', 'n', 'Median', 'p90', 'Mean'],
          [
            durationRow('Time to detect (MTTD)', k.mttd),
            durationRow('Time to resolve (MTTR)', k.mttr),
            durationRow('Autonomous time to fix', k.actions.autonomous.timeToFix),
            durationRow('Anomaly detection latency', k.anomalies.detectionLatency),
          ],
          [false, true, true, true, true],
        ),
        table(
          ['Playbook', 'Recomm.', 'Auto ok', 'Auto failed', 'Auto rate', 'Appr. ok', 'Appr. failed', 'Appr. rate'],
          k.actions.byPlaybook.map((p) => [
            p.playbook,
            count(p.recommended),
            ...tallyCells(p.auto),
            ...tallyCells(p.approved),
          ]),
          [false, true, true, true, true, true, true, true],
        ),
        {
          kind: 'p',
          text:
            `${count(k.actions.total)} action records in the window (${count(k.actions.dryRuns)} dry runs). ` +
            `Autonomous success rate ${percent(k.actions.autonomous.rate)}, approved ${percent(k.actions.approved.rate)}. ` +
            'Recomm. = recommendations a person had to decide; Appr. = executions a person approved.',
        },
      ],
    },
    {
      id: 'uptime',
      title: 'Uptime',
      blocks: [
        {
          kind: 'p',
          text: `Fleet uptime ${percent(k.uptime.fleetMean, 2)} over ${k.uptime.hosts.length} hosts (agent heartbeat coverage).`,
        },
        table(
          ['Host (lowest uptime first)', 'Uptime', 'Down', 'Observed'],
          k.uptime.hosts
            .slice(0, 10)
            .map((h) => [h.hostname, percent(h.uptime, 2), duration(h.observedMs - h.liveMs), duration(h.observedMs)]),
          [false, true, true, true],
        ),
        ...improvementBlocks(u),
      ],
    },
    {
      id: 'affected',
      title: 'Most affected hosts and users',
      blocks: [
        table(
          ['Host', 'Anomalies'],
          k.top.hosts.map((h) => [h.key, count(h.count)]),
          [false, true],
        ),
        table(
          ['User', 'Anomalies'],
          k.top.users.map((h) => [h.key, count(h.count)]),
          [false, true],
        ),
      ],
    },
    { id: 'appendix', title: 'Appendix: metric definitions', blocks: [{ kind: 'defs', items: m.definitions }] },
  ];
}

function improvementBlocks(u: ReportModel['uptimeImprovement']): Block[] {
  const e = u.estimate;
  const blocks: Block[] = [];
  if (u.measured) {
    const keys = [...new Set([...Object.keys(u.measured.off), ...Object.keys(u.measured.auto)])].filter(
      (x) => x !== 'downtimeMs',
    );
    const cell = (v: unknown) => (typeof v === 'number' ? count(v) : v === undefined ? '—' : String(v));
    blocks.push(
      { kind: 'p', text: `Measured uptime improvement: ${u.measured.method}` },
      table(
        ['Run', 'Downtime', ...keys],
        [
          ['response off', duration(u.measured.off.downtimeMs), ...keys.map((x) => cell(u.measured!.off[x]))],
          ['autonomous response', duration(u.measured.auto.downtimeMs), ...keys.map((x) => cell(u.measured!.auto[x]))],
        ],
        [false, true, ...keys.map(() => true)],
      ),
      {
        kind: 'p',
        text: `Downtime avoided (measured): ${duration(u.measured.avoidedMs)}, a ${percent(u.measured.reduction, 0)} reduction.`,
      },
    );
  }
  blocks.push(
    {
      kind: 'p',
      text:
        `Estimated downtime avoided by autonomous fixes: ${duration(e.avoidedMs)} over ${count(e.fixes)} fixes ` +
        `(median time to fix ${duration(e.p50TimeToFixMs)}). Without them, fleet uptime would have been about ` +
        `${percent(e.uptimeWithoutFixes, 2)}.`,
    },
    { kind: 'note', text: `Assumption: ${e.assumption}` },
  );
  if (e.byType.length) {
    blocks.push(
      table(
        ['Outage type', 'Fixes', 'Downtime avoided'],
        e.byType.map((t) => [t.type, count(t.fixes), duration(t.avoidedMs)]),
        [false, true, true],
      ),
    );
  }
  return blocks;
}
