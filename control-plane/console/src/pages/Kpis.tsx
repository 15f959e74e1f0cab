import type { KpiReport } from '../../../src/analytics/kpi-types.ts';
import { qs } from '../api.ts';
import { DataTable } from '../components/DataTable.tsx';
import { StackedChart } from '../components/StackedChart.tsx';
import { Card, ErrorBox, Loading } from '../components/States.tsx';
import { fmtDuration, fmtNum, fmtPct, humanize } from '../format.ts';
import { useResource } from '../resource.ts';
import { replaceParams } from '../router.ts';

const RANGES = { '7d': [7, 6 * 3_600_000], '30d': [30, 86_400_000], '90d': [90, 86_400_000] } as const;
type Range = keyof typeof RANGES;

function Tile({ label, value, note }: { label: string; value: string; note?: string }) {
  return (
    <div class="tile">
      <div class="tile-label">{label}</div>
      <div class="tile-value">{value}</div>
      {note ? <div class="tile-note">{note}</div> : null}
    </div>
  );
}

export function Kpis({ params }: { params: URLSearchParams }) {
  const asked = params.get('range') ?? '';
  const range: Range = Object.hasOwn(RANGES, asked) ? (asked as Range) : '30d';
  const [days, bucket] = RANGES[range];
  // `to` = now (to the minute): a window reaching into the future would count future time as downtime.
  const to = Math.ceil(Date.now() / 60_000) * 60_000;
  const r = useResource<KpiReport>(qs('/v1/kpis', { from: to - days * 86_400_000, to, bucket }));
  const k = r.data;
  const series = k
    ? Object.entries(k.anomalies.seriesByType)
        .map(([name, counts]) => ({ name, counts, total: counts.reduce((s, v) => s + v, 0) }))
        .sort((a, b) => b.total - a.total)
    : [];
  const top = series.slice(0, 8);
  if (series.length > 8) {
    const rest = series.slice(8);
    top.push({
      name: 'other',
      counts: rest[0].counts.map((_, i) => rest.reduce((s, x) => s + x.counts[i], 0)),
      total: rest.reduce((s, x) => s + x.total, 0),
    });
  }
  return (
    <>
      <h1>KPIs</h1>
      <form class="filters" onSubmit={(e) => e.preventDefault()}>
        <label>
          Window
          <select
            value={range}
            onChange={(e) => replaceParams('kpis', { range: (e.target as HTMLSelectElement).value })}
          >
            {Object.keys(RANGES).map((x) => (
              <option key={x} value={x}>
                last {x}
              </option>
            ))}
          </select>
        </label>
      </form>
      {r.error ? <ErrorBox error={r.error} retry={r.reload} /> : null}
      {!k ? (
        r.loading ? (
          <Loading what="KPIs" />
        ) : null
      ) : (
        <>
          <div class="tiles">
            <Tile
              label="Anomalies detected"
              value={fmtNum(k.anomalies.total)}
              note={`${fmtNum(k.incidents.total)} incidents opened`}
            />
            <Tile
              label="Precision (operator feedback)"
              value={fmtPct(k.precision.incidents.precision)}
              note={`${fmtNum(k.precision.incidents.confirmed)} confirmed, ${fmtNum(k.precision.incidents.falsePositive)} false positive`}
            />
            <Tile
              label="MTTD (median)"
              value={fmtDuration(k.mttd.p50Ms)}
              note={`mean ${fmtDuration(k.mttd.meanMs)}, n = ${fmtNum(k.mttd.n)}`}
            />
            <Tile
              label="MTTR (median)"
              value={fmtDuration(k.mttr.p50Ms)}
              note={`mean ${fmtDuration(k.mttr.meanMs)}, n = ${fmtNum(k.mttr.n)}`}
            />
            <Tile
              label="Autonomous action success"
              value={fmtPct(k.actions.autonomous.rate)}
              note={`${fmtNum(k.actions.autonomous.success)} of ${fmtNum(k.actions.autonomous.success + k.actions.autonomous.failure)} executions`}
            />
            <Tile
              label="Host uptime (fleet mean)"
              value={fmtPct(k.uptime.fleetMean, 2)}
              note={`${fmtNum(k.uptime.hosts.length)} hosts observed`}
            />
          </div>
          <Card title="Detected anomalies over time">
            {top.length ? (
              <StackedChart label={`Anomalies per bucket by type, last ${range}`} buckets={k.buckets} series={top} />
            ) : (
              <p class="muted">No anomalies in this window.</p>
            )}
          </Card>
          <Card title="Actions per playbook">
            <DataTable
              caption="Action success per playbook"
              columns={[
                { key: 'p', label: 'Playbook', render: (p) => p.playbook },
                { key: 'r', label: 'Recommended', numeric: true, render: (p) => fmtNum(p.recommended) },
                {
                  key: 'a',
                  label: 'Autonomous success',
                  numeric: true,
                  render: (p) => `${fmtPct(p.auto.rate)} (${p.auto.success}/${p.auto.success + p.auto.failure})`,
                },
                {
                  key: 'b',
                  label: 'Approved success',
                  numeric: true,
                  render: (p) =>
                    `${fmtPct(p.approved.rate)} (${p.approved.success}/${p.approved.success + p.approved.failure})`,
                },
              ]}
              rows={k.actions.byPlaybook}
              rowKey={(p) => p.playbook}
              empty="No actions in this window."
            />
          </Card>
          <Card title="Precision by incident type">
            <DataTable
              caption="Precision per incident type"
              columns={[
                { key: 't', label: 'Type', render: (p) => humanize(p.type) },
                { key: 'c', label: 'Confirmed', numeric: true, render: (p) => fmtNum(p.confirmed) },
                { key: 'f', label: 'False positive', numeric: true, render: (p) => fmtNum(p.falsePositive) },
                { key: 'p', label: 'Precision', numeric: true, render: (p) => fmtPct(p.precision) },
              ]}
              rows={k.precision.incidents.byType}
              rowKey={(p) => p.type}
              empty="No incident was closed by an operator in this window."
            />
          </Card>
          <Card title="Lowest host uptime">
            <DataTable
              caption="Hosts with the lowest uptime"
              columns={[
                { key: 'h', label: 'Host', render: (h) => h.hostname },
                { key: 's', label: 'Status', render: (h) => h.status },
                { key: 'u', label: 'Uptime', numeric: true, render: (h) => fmtPct(h.uptime, 2) },
                { key: 'o', label: 'Observed', numeric: true, render: (h) => fmtDuration(h.observedMs) },
              ]}
              rows={k.uptime.hosts.slice(0, 10)}
              rowKey={(h) => h.agentId}
              empty="No hosts observed in this window."
            />
          </Card>
        </>
      )}
    </>
  );
}
