import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { qs } from '../api.ts';
import { Badge } from '../components/Badge.tsx';
import { type Column, DataTable } from '../components/DataTable.tsx';
import { Pager, useCursorPager } from '../components/Pager.tsx';
import { StackedChart } from '../components/StackedChart.tsx';
import { Card, ErrorBox, Loading } from '../components/States.tsx';
import { fmtNum, fmtTime, humanize } from '../format.ts';
import { useLive } from '../live.ts';
import { useResource } from '../resource.ts';
import { href, replaceParams } from '../router.ts';
import type { Incident, PageOf } from '../types.ts';

// Whole-hour buckets starting on the hour: the server answers them from its hourly rollup, not from every anomaly.
const RANGES = {
  '24h': [86_400_000, 3_600_000],
  '7d': [7 * 86_400_000, 3 * 3_600_000],
  '30d': [30 * 86_400_000, 12 * 3_600_000],
} as const;
type Range = keyof typeof RANGES;

interface Timeline {
  buckets: number[];
  series: { name: string; total: number; counts: number[] }[];
}

const COLUMNS: Column<Incident>[] = [
  { key: 'severity', label: 'Severity', render: (i) => <Badge kind="sev" value={i.severity} /> },
  { key: 'status', label: 'State', render: (i) => <Badge kind="state" value={i.status} /> },
  { key: 'title', label: 'Incident', render: (i) => <a href={href('incidents', i.id)}>{i.title}</a> },
  { key: 'kind', label: 'Rule', render: (i) => humanize(i.kind) },
  { key: 'count', label: 'Anomalies', numeric: true, render: (i) => fmtNum(i.anomalyCount) },
  { key: 'first', label: 'First seen (UTC)', render: (i) => fmtTime(i.firstSeenAt) },
  { key: 'last', label: 'Last seen (UTC)', render: (i) => fmtTime(i.lastSeenAt) },
  { key: 'by', label: 'Updated by', render: (i) => i.updatedBy ?? '—' },
];

/** True from the first render where `value` was true on (a latch: it never goes back). */
function useLatch(value: boolean): boolean {
  const latched = useRef(false);
  if (value) latched.current = true;
  return latched.current;
}

interface TimelineProps {
  range: Range;
  by: string;
  set: (p: Record<string, string>) => void;
  /** False until the incident list has answered: the list is what an operator reads first, so it paints first. */
  ready: boolean;
}

function TimelineCard({ range, by, set, ready }: TimelineProps) {
  // Align to the bucket so repeated loads hit the same buckets (and the chart does not jitter).
  const [span, bucket] = RANGES[range];
  const [to, setTo] = useState(() => Math.ceil(Date.now() / bucket) * bucket);
  // Fetched at once (whole-hour buckets come from the server's hourly rollup, a few ms), drawn after the list.
  const t = useResource<Timeline>(qs('/v1/console/timeline', { from: to - span, to, bucket, by }));
  const data = ready ? t.data : null;
  useLive(['anomalies.ingested'], () => setTo(Math.ceil(Date.now() / bucket) * bucket), 5000);
  useEffect(() => setTo(Math.ceil(Date.now() / bucket) * bucket), [bucket]);
  const label = `Anomalies per ${bucket / 3_600_000} h by ${by}, last ${range}`;
  return (
    <Card
      title="Anomaly timeline"
      actions={
        <div class="inline-controls">
          <label>
            Range
            <select value={range} onChange={(e) => set({ range: (e.target as HTMLSelectElement).value })}>
              {Object.keys(RANGES).map((r) => (
                <option key={r} value={r}>
                  last {r}
                </option>
              ))}
            </select>
          </label>
          <label>
            Group by
            <select value={by} onChange={(e) => set({ by: (e.target as HTMLSelectElement).value })}>
              <option value="type">type</option>
              <option value="source">source</option>
            </select>
          </label>
        </div>
      }
    >
      {t.error ? <ErrorBox error={t.error} retry={t.reload} /> : null}
      {data && data.series.length === 0 ? <p class="muted">No anomalies in this range.</p> : null}
      {data && data.series.length > 0 ? (
        <StackedChart label={label} buckets={data.buckets} series={data.series} />
      ) : null}
      {!data && !t.error ? (
        <div class="chart-pending">
          <Loading what="the timeline" />
        </div>
      ) : null}
    </Card>
  );
}

export function Incidents({ params }: { params: URLSearchParams }) {
  const q = params.get('q') ?? '';
  const status = params.get('status') ?? '';
  const severity = params.get('severity') ?? '';
  const asked = params.get('range') ?? '';
  const range: Range = Object.hasOwn(RANGES, asked) ? (asked as Range) : '24h';
  const by = params.get('by') === 'source' ? 'source' : 'type';
  const current = { q, status, severity, range, by };
  const set = (patch: Record<string, string | undefined>) => replaceParams('incidents', { ...current, ...patch });
  const [text, setText] = useState(q);
  useEffect(() => setText(q), [q]);
  useEffect(() => {
    const t = setTimeout(() => text !== q && set({ q: text.trim() || undefined }), 250);
    return () => clearTimeout(t);
  }, [text]);
  const pager = useCursorPager(JSON.stringify([q, status, severity]));
  const list = useResource<PageOf<Incident>>(
    qs('/v1/console/incidents', { q, status, severity, limit: 50, cursor: pager.cursor }),
  );
  useLive(['incident.changed'], list.reload, 1000);
  const rows = useMemo(() => list.data?.items ?? [], [list.data]);
  const listAnswered = useLatch(list.data !== null || list.error !== null);
  return (
    <>
      <h1>Incidents</h1>
      <TimelineCard range={range} by={by} set={set} ready={listAnswered} />
      <Card title="Incident list">
        <form class="filters" aria-label="Filter incidents" onSubmit={(e) => e.preventDefault()}>
          <label>
            Search
            <input
              type="search"
              value={text}
              placeholder="host, IP, user, incident id, title"
              onInput={(e) => setText((e.target as HTMLInputElement).value)}
            />
          </label>
          <label>
            State
            <select
              value={status}
              onChange={(e) => set({ status: (e.target as HTMLSelectElement).value || undefined })}
            >
              <option value="">any</option>
              {['open', 'acknowledged', 'resolved', 'false_positive'].map((s) => (
                <option key={s} value={s}>
                  {humanize(s)}
                </option>
              ))}
            </select>
          </label>
          <label>
            Severity
            <select
              value={severity}
              onChange={(e) => set({ severity: (e.target as HTMLSelectElement).value || undefined })}
            >
              <option value="">any</option>
              {['critical', 'high', 'medium', 'low'].map((s) => (
                <option key={s} value={s}>
                  {s}
                </option>
              ))}
            </select>
          </label>
        </form>
        <p class="muted">Most recent activity first.</p>
        {list.error ? <ErrorBox error={list.error} retry={list.reload} /> : null}
        {list.data ? (
          <DataTable
            caption="Incidents, most recent activity first"
            columns={COLUMNS}
            rows={rows}
            rowKey={(i) => i.id}
            empty={q || status || severity ? 'No incident matches these filters.' : 'No incidents yet.'}
          />
        ) : list.loading ? (
          <Loading what="incidents" />
        ) : null}
        <Pager
          label="Incident pages"
          page={pager.page}
          nextCursor={list.data?.nextCursor}
          onNext={pager.next}
          onPrev={pager.prev}
        />
      </Card>
    </>
  );
}
