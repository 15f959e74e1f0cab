import { Badge } from '../../components/Badge.tsx';
import { type Column, DataTable } from '../../components/DataTable.tsx';
import { Card } from '../../components/States.tsx';
import { fmtNum, fmtScore, fmtTime, humanize } from '../../format.ts';
import { href } from '../../router.ts';
import type { ActionRecord, IncidentContext, MemberAnomaly } from '../../types.ts';

/** Evidence lines are log content: rendered as text (Preact escapes it), never as HTML. */
export function EvidencePanel({ anomalies }: { anomalies: MemberAnomaly[] }) {
  const lines = anomalies.flatMap((a) =>
    (a.evidence.lines ?? []).map((l, i) => ({ key: `${a.seq}-${i}`, host: a.host, l })),
  );
  return (
    <Card title="Evidence lines">
      {lines.length === 0 ? <p class="muted">The anomalies carry no log lines.</p> : null}
      <ol class="evidence">
        {lines.slice(0, 200).map((x) => (
          <li key={x.key}>
            <code>{x.l}</code>
          </li>
        ))}
      </ol>
      {lines.length > 200 ? <p class="muted">Showing 200 of {fmtNum(lines.length)} lines.</p> : null}
    </Card>
  );
}

export function ContributionPanel({ ctx }: { ctx: IncidentContext }) {
  return (
    <Card title="Contributing models and features">
      <div class="two-col">
        <DataTable
          caption="Models that fired"
          columns={[
            { key: 'model', label: 'Model', render: (m) => m.model },
            { key: 'n', label: 'Anomalies', numeric: true, render: (m) => fmtNum(m.anomalies) },
            { key: 'max', label: 'Max score', numeric: true, render: (m) => fmtScore(m.maxScore) },
          ]}
          rows={ctx.models}
          rowKey={(m) => m.model}
          empty="No model information."
        />
        <DataTable
          caption="Top features by mean contribution"
          columns={[
            { key: 'name', label: 'Feature', render: (f) => <code>{f.name}</code> },
            { key: 'c', label: 'Mean contribution', numeric: true, render: (f) => fmtScore(f.meanContribution) },
            {
              key: 'v',
              label: 'Max value',
              numeric: true,
              render: (f) => fmtNum(Math.round(f.maxValue * 1000) / 1000),
            },
            { key: 'n', label: 'Anomalies', numeric: true, render: (f) => fmtNum(f.anomalies) },
          ]}
          rows={ctx.features}
          rowKey={(f) => f.name}
          empty="The anomalies name no features."
        />
      </div>
    </Card>
  );
}

const outcomeText = (a: ActionRecord) =>
  a.outcomes.length ? a.outcomes.map((o) => `${o.stage} ${o.ok ? 'ok' : 'failed'}: ${o.detail}`).join(' · ') : '—';

export const ACTION_COLUMNS: Column<ActionRecord>[] = [
  { key: 'at', label: 'Started (UTC)', render: (a) => fmtTime(a.startedAt) },
  { key: 'host', label: 'Host', render: (a) => a.host ?? '—' },
  { key: 'pb', label: 'Playbook', render: (a) => a.playbook },
  { key: 'mode', label: 'Mode', render: (a) => (a.dryRun ? `${a.mode} (dry run)` : a.mode) },
  { key: 'decision', label: 'Decision', render: (a) => humanize(a.decision) },
  { key: 'result', label: 'Result', render: (a) => <Badge kind="result" value={a.result} /> },
  { key: 'target', label: 'Target', render: (a) => (a.target ? <code>{a.target}</code> : '—') },
  { key: 'out', label: 'Outcome', render: outcomeText },
  { key: 'who', label: 'Approved by', render: (a) => a.approvedBy ?? a.decidedBy ?? '—' },
];

export function ActionsPanel({ actions }: { actions: ActionRecord[] }) {
  return (
    <Card title="Actions taken">
      <DataTable
        caption="Actions about this incident's anomalies"
        columns={ACTION_COLUMNS}
        rows={actions}
        rowKey={(a) => a.id}
        empty="No action was taken or recommended."
      />
    </Card>
  );
}

export function RelatedPanel({ related }: { related: IncidentContext['related'] }) {
  return (
    <Card title="Related anomalies across services">
      <DataTable
        caption="Anomalies naming the same IP, principal or entity within an hour"
        columns={[
          { key: 'at', label: 'Window start (UTC)', render: (r) => fmtTime(r.start) },
          { key: 'source', label: 'Source', render: (r) => r.source },
          { key: 'type', label: 'Type', render: (r) => humanize(r.type) },
          { key: 'entity', label: 'Entity', render: (r) => <code>{`${r.entity.kind} ${r.entity.id}`}</code> },
          { key: 'host', label: 'Host', render: (r) => r.host ?? '—' },
          { key: 'score', label: 'Score', numeric: true, render: (r) => fmtScore(r.score) },
          {
            key: 'inc',
            label: 'Incident',
            render: (r) => (r.incidentId ? <a href={href('incidents', r.incidentId)}>{r.incidentId}</a> : '—'),
          },
        ]}
        rows={related.anomalies}
        rowKey={(r) => String(r.seq)}
        empty="No other anomaly names this incident's IPs, principals or entities within an hour."
      />
      {related.incidents.length > 0 ? (
        <>
          <h3>Incidents sharing a key</h3>
          <ul class="plain">
            {related.incidents.map((i) => (
              <li key={i.id}>
                <Badge kind="sev" value={i.severity} /> <Badge kind="state" value={i.status} />{' '}
                <a href={href('incidents', i.id)}>{i.title}</a>{' '}
                <span class="muted">last seen {fmtTime(i.lastSeenAt)}</span>
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </Card>
  );
}

export const ANOMALY_COLUMNS: Column<MemberAnomaly>[] = [
  { key: 'at', label: 'Window (UTC)', render: (a) => fmtTime(a.window.start) },
  { key: 'type', label: 'Type', render: (a) => humanize(a.type) },
  { key: 'source', label: 'Source', render: (a) => a.source },
  { key: 'entity', label: 'Entity', render: (a) => <code>{`${a.entity.kind} ${a.entity.id}`}</code> },
  { key: 'host', label: 'Host', render: (a) => a.host ?? '—' },
  { key: 'model', label: 'Model', render: (a) => a.model },
  {
    key: 'score',
    label: 'Score / threshold',
    numeric: true,
    render: (a) => `${fmtScore(a.score)} / ${fmtScore(a.threshold)}`,
  },
  { key: 'sev', label: 'Severity', render: (a) => <Badge kind="sev" value={a.severity} /> },
];
