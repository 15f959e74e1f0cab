import { DataTable } from '../../components/DataTable.tsx';
import { Card, ErrorBox, Loading } from '../../components/States.tsx';
import { fmtScore, fmtTime } from '../../format.ts';
import { useResource } from '../../resource.ts';

interface CardData {
  version: string;
  uploadedAt: number;
  uploadedBy: string;
  trainedAt: string | null;
  trainingSeed: number | null;
  featureSchema: { version: unknown; hash: string | null; names: string[] };
  models: {
    name: string;
    kind: string;
    format: string;
    file: string;
    threshold: number | null;
    labels: string[];
    metrics: Record<string, number>;
  }[];
  thresholds: Record<string, number>;
  labelSet: string[];
}

/** What a bundle holds and how its models were judged, from the manifest the registry stored. */
export function ModelCard({ version }: { version: string }) {
  const card = useResource<CardData>(`/v1/console/bundles/${encodeURIComponent(version)}/card`);
  if (card.error) return <ErrorBox error={card.error} retry={card.reload} />;
  if (!card.data) return <Loading what="the model card" />;
  const c = card.data;
  return (
    <Card title={`Model card ${c.version}`}>
      <dl class="facts">
        <dt>Trained</dt>
        <dd>
          {c.trainedAt ?? '—'} (seed {c.trainingSeed ?? '—'})
        </dd>
        <dt>Uploaded</dt>
        <dd>
          {fmtTime(c.uploadedAt)} by {c.uploadedBy}
        </dd>
        <dt>Feature schema</dt>
        <dd>
          version {String(c.featureSchema.version)}, {c.featureSchema.names.length} features, hash{' '}
          <code>{c.featureSchema.hash?.slice(0, 16)}…</code>
        </dd>
        <dt>Labels</dt>
        <dd>{c.labelSet.length ? c.labelSet.join(', ') : '—'}</dd>
      </dl>
      <DataTable
        caption="Models in the bundle"
        columns={[
          { key: 'name', label: 'Model', render: (m) => m.name },
          { key: 'kind', label: 'Kind', render: (m) => `${m.kind} (${m.format})` },
          { key: 'file', label: 'File', render: (m) => <code>{m.file}</code> },
          {
            key: 'thr',
            label: 'Threshold',
            numeric: true,
            render: (m) => fmtScore(m.threshold ?? c.thresholds[m.name]),
          },
          {
            key: 'metrics',
            label: 'Metrics',
            render: (m) =>
              Object.keys(m.metrics).length
                ? Object.entries(m.metrics)
                    .map(([k, v]) => `${k} ${Number.isInteger(v) ? v : v.toFixed(3)}`)
                    .join(' · ')
                : '—',
          },
        ]}
        rows={c.models}
        rowKey={(m) => m.name}
        empty="The manifest lists no models."
      />
      <details>
        <summary>Feature names ({c.featureSchema.names.length})</summary>
        <p class="feature-names">{c.featureSchema.names.join(', ')}</p>
      </details>
    </Card>
  );
}
