import { Badge } from '../components/Badge.tsx';
import { DataTable } from '../components/DataTable.tsx';
import { Card, ErrorBox, Loading } from '../components/States.tsx';
import { fmtDuration, fmtNum, fmtTime, humanize } from '../format.ts';
import { useLive } from '../live.ts';
import { useResource } from '../resource.ts';
import { href } from '../router.ts';
import type { Me } from '../session.ts';
import type { Incident, IncidentContext, MemberAnomaly } from '../types.ts';
import { ActionsPanel, ANOMALY_COLUMNS, ContributionPanel, EvidencePanel, RelatedPanel } from './incident/Panels.tsx';
import { StateControls } from './incident/StateControls.tsx';

interface Detail {
  incident: Incident;
  keys: string[];
  anomalies: MemberAnomaly[];
}

export function IncidentDetail({ id, me }: { id: string; me: Me }) {
  const detail = useResource<Detail>(`/v1/incidents/${encodeURIComponent(id)}`);
  const ctx = useResource<IncidentContext>(`/v1/console/incidents/${encodeURIComponent(id)}/context`);
  const reload = () => {
    detail.reload();
    ctx.reload();
  };
  useLive(['incident.changed', 'actions.ingested', 'action.decided'], reload, 500);
  if (detail.error) {
    return (
      <>
        <p>
          <a href={href('incidents')}>← Incidents</a>
        </p>
        <ErrorBox error={detail.error} retry={reload} />
      </>
    );
  }
  if (!detail.data) return <Loading what="the incident" />;
  const { incident: i, keys, anomalies } = detail.data;
  return (
    <>
      <p>
        <a href={href('incidents')}>← Incidents</a>
      </p>
      <h1>{i.title}</h1>
      <div class="incident-head">
        <dl class="facts">
          <dt>State</dt>
          <dd>
            <Badge kind="state" value={i.status} />
            {i.updatedBy ? <span class="muted"> by {i.updatedBy}</span> : null}
          </dd>
          <dt>Severity</dt>
          <dd>
            <Badge kind="sev" value={i.severity} />
          </dd>
          <dt>Rule</dt>
          <dd>{humanize(i.kind)}</dd>
          <dt>Anomalies</dt>
          <dd>{fmtNum(i.anomalyCount)}</dd>
          <dt>Seen (UTC)</dt>
          <dd>
            {fmtTime(i.firstSeenAt)} → {fmtTime(i.lastSeenAt)} (
            {fmtDuration((i.lastSeenAt ?? 0) - (i.firstSeenAt ?? 0))})
          </dd>
          <dt>Opened</dt>
          <dd>{fmtTime(i.openedAt)}</dd>
          <dt>Keys</dt>
          <dd>
            {keys.map((k) => (
              <code key={k} class="key">
                {k}
              </code>
            ))}
          </dd>
          <dt>Id</dt>
          <dd>
            <code>{i.id}</code>
          </dd>
        </dl>
        <StateControls incident={i} me={me} onChanged={reload} />
      </div>
      <EvidencePanel anomalies={anomalies} />
      {ctx.error ? <ErrorBox error={ctx.error} retry={ctx.reload} /> : null}
      {ctx.data ? (
        <>
          <ContributionPanel ctx={ctx.data} />
          <ActionsPanel actions={ctx.data.actions} />
          <RelatedPanel related={ctx.data.related} />
        </>
      ) : ctx.loading ? (
        <Loading what="context" />
      ) : null}
      <Card title="Member anomalies">
        <DataTable
          caption="Anomalies in this incident"
          columns={ANOMALY_COLUMNS}
          rows={anomalies}
          rowKey={(a) => String(a.seq)}
          empty="No anomalies."
        />
      </Card>
    </>
  );
}
