import { useEffect, useState } from 'preact/hooks';
import { qs } from '../api.ts';
import { Badge } from '../components/Badge.tsx';
import { type Column, DataTable } from '../components/DataTable.tsx';
import { Pager, useCursorPager } from '../components/Pager.tsx';
import { ErrorBox, Loading } from '../components/States.tsx';
import { fmtAge, fmtNum, fmtTime } from '../format.ts';
import { useLive } from '../live.ts';
import { useResource } from '../resource.ts';
import { href, replaceParams } from '../router.ts';
import type { FleetHost, FleetSummary, PageOf } from '../types.ts';

const SORTS = ['hostname', 'anomalies', 'seen'] as const;

function columns(now: number): Column<FleetHost>[] {
  return [
    {
      key: 'hostname',
      label: 'Host',
      sortable: true,
      render: (h) => (
        <a href={href('incidents', null, { q: h.hostname })} title="Incidents on this host">
          {h.hostname}
        </a>
      ),
    },
    { key: 'health', label: 'Health', render: (h) => <Badge kind="health" value={h.health} /> },
    {
      key: 'seen',
      label: 'Last heartbeat',
      sortable: true,
      render: (h) => <span title={fmtTime(h.lastHeartbeatAt)}>{fmtAge(h.lastHeartbeatAt, now)}</span>,
    },
    { key: 'anomalies', label: 'Anomalies 24 h', numeric: true, sortable: true, render: (h) => fmtNum(h.anomalies24h) },
    { key: 'agent', label: 'Agent', render: (h) => h.agentVersion ?? '—' },
    { key: 'model', label: 'Model', render: (h) => h.modelVersion ?? '—' },
    { key: 'channel', label: 'Channel', render: (h) => h.channel },
    { key: 'region', label: 'Region', render: (h) => (h.az ? `${h.region ?? '—'} (${h.az})` : (h.region ?? '—')) },
    { key: 'type', label: 'Instance type', render: (h) => h.instanceType ?? '—' },
    { key: 'instance', label: 'Instance id', render: (h) => <code>{h.instanceId}</code> },
  ];
}

export function Fleet({ params }: { params: URLSearchParams }) {
  const q = params.get('q') ?? '';
  const status = params.get('status') ?? '';
  const region = params.get('region') ?? '';
  const sortKey = (SORTS as readonly string[]).includes(params.get('sort') ?? '') ? params.get('sort')! : 'hostname';
  const dir = params.get('dir') === 'desc' || (params.get('dir') === null && sortKey !== 'hostname') ? 'desc' : 'asc';
  const [text, setText] = useState(q);
  useEffect(() => setText(q), [q]);
  const set = (patch: Record<string, string | undefined>) =>
    replaceParams('fleet', { q, status, region, sort: sortKey, dir, ...patch });
  useEffect(() => {
    const t = setTimeout(() => text !== q && set({ q: text.trim() || undefined }), 250);
    return () => clearTimeout(t);
  }, [text]);

  const filterKey = JSON.stringify([q, status, region, sortKey, dir]);
  const pager = useCursorPager(filterKey);
  const page = useResource<PageOf<FleetHost>>(
    qs('/v1/console/fleet', { q, status, region, sort: sortKey, dir, limit: 100, cursor: pager.cursor }),
  );
  const summary = useResource<FleetSummary>(qs('/v1/console/fleet/summary', { q, status, region }));
  useLive(
    ['agent.enrolled', 'agent.stale', 'agent.recovered', 'agent.revoked', 'anomalies.ingested'],
    () => {
      page.reload();
      summary.reload();
    },
    2000,
  );
  const s = summary.data;
  const now = Date.now();
  return (
    <>
      <h1>Fleet</h1>
      <ul class="kpis-inline" aria-label="Fleet by status">
        {['active', 'stale', 'revoked'].map((k) => (
          <li key={k}>
            <Badge kind="health" value={k === 'active' ? 'live' : k} /> {fmtNum(s?.byStatus[k] ?? 0)}
          </li>
        ))}
      </ul>
      <form class="filters" aria-label="Filter hosts" onSubmit={(e) => e.preventDefault()}>
        <label>
          Search hosts
          <input
            type="search"
            value={text}
            placeholder="hostname or instance id"
            onInput={(e) => setText((e.target as HTMLInputElement).value)}
          />
        </label>
        <label>
          Status
          <select value={status} onChange={(e) => set({ status: (e.target as HTMLSelectElement).value || undefined })}>
            <option value="">any</option>
            <option value="active">active</option>
            <option value="stale">stale</option>
            <option value="revoked">revoked</option>
          </select>
        </label>
        <label>
          Region
          <select value={region} onChange={(e) => set({ region: (e.target as HTMLSelectElement).value || undefined })}>
            <option value="">any</option>
            {s?.regions.map((r) => (
              <option key={r.region} value={r.region}>
                {r.region} ({fmtNum(r.hosts)})
              </option>
            ))}
          </select>
        </label>
      </form>
      {page.error ? <ErrorBox error={page.error} retry={page.reload} /> : null}
      {page.data ? (
        <DataTable
          caption="Hosts in the fleet"
          columns={columns(now)}
          rows={page.data.items}
          rowKey={(h) => h.id}
          sort={{ key: sortKey, dir }}
          onSort={(next) => set({ sort: next.key, dir: next.dir })}
          empty={q || status || region ? 'No host matches these filters.' : 'No agent has enrolled yet.'}
        />
      ) : page.loading ? (
        <Loading what="the fleet" />
      ) : null}
      <Pager
        label="Fleet pages"
        page={pager.page}
        nextCursor={page.data?.nextCursor}
        onNext={pager.next}
        onPrev={pager.prev}
        summary={s ? `${fmtNum(s.matching)} hosts match` : undefined}
      />
    </>
  );
}
