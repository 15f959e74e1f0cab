import { DataTable } from '../components/DataTable.tsx';
import { Card, ErrorBox, Loading } from '../components/States.tsx';
import { fmtNum, fmtTime } from '../format.ts';
import { useLive } from '../live.ts';
import { useResource } from '../resource.ts';
import { href } from '../router.ts';
import type { Me } from '../session.ts';
import type { Bundle, Rollout } from '../types.ts';
import { ModelCard } from './models/ModelCard.tsx';
import { Rollouts } from './models/Rollouts.tsx';

export function Models({ me, params }: { me: Me; params: URLSearchParams }) {
  const bundles = useResource<{ items: Bundle[] }>('/v1/bundles');
  const rollouts = useResource<{ items: Rollout[] }>('/v1/rollouts');
  const channels = useResource<{ items: { channel: string; version: string | null; hosts: number }[] }>(
    '/v1/console/channels',
  );
  useLive(
    ['rollout.changed'],
    () => {
      rollouts.reload();
      channels.reload();
    },
    300,
  );
  const selected = params.get('bundle') ?? bundles.data?.items[0]?.version ?? null;
  return (
    <>
      <h1>Models</h1>
      <Card title="Bundles">
        {bundles.error ? <ErrorBox error={bundles.error} retry={bundles.reload} /> : null}
        {bundles.data ? (
          <DataTable
            caption="Stored model bundles, newest first"
            columns={[
              {
                key: 'v',
                label: 'Version',
                render: (b) => (
                  <a
                    href={href('models', null, { bundle: b.version })}
                    aria-current={b.version === selected ? 'true' : undefined}
                  >
                    {b.version}
                  </a>
                ),
              },
              { key: 'at', label: 'Uploaded (UTC)', render: (b) => `${fmtTime(b.createdAt)} by ${b.createdBy}` },
              {
                key: 'size',
                label: 'Archive',
                numeric: true,
                render: (b) => `${fmtNum(Math.round(b.archiveSize / 1024))} KiB`,
              },
              { key: 'key', label: 'Signed with', render: (b) => b.keyId ?? '—' },
              { key: 'sha', label: 'sha256', render: (b) => <code>{b.archiveSha256.slice(0, 16)}…</code> },
            ]}
            rows={bundles.data.items}
            rowKey={(b) => b.id}
            empty="No bundle uploaded yet: POST /v1/bundles (admin)."
          />
        ) : (
          <Loading what="bundles" />
        )}
      </Card>
      {selected ? <ModelCard version={selected} /> : null}
      <Card title="Rollouts per channel">
        {rollouts.error ? <ErrorBox error={rollouts.error} retry={rollouts.reload} /> : null}
        {rollouts.data ? (
          <Rollouts rollouts={rollouts.data.items} me={me} onChanged={rollouts.reload} />
        ) : (
          <Loading what="rollouts" />
        )}
        <h3>What the hosts report running</h3>
        {channels.data ? (
          <DataTable
            caption="Hosts per channel and model version"
            columns={[
              { key: 'c', label: 'Channel', render: (r) => r.channel },
              { key: 'v', label: 'Model version', render: (r) => r.version ?? 'none reported' },
              { key: 'n', label: 'Hosts', numeric: true, render: (r) => fmtNum(r.hosts) },
            ]}
            rows={channels.data.items}
            rowKey={(r) => `${r.channel}|${r.version}`}
            empty="No hosts."
          />
        ) : null}
      </Card>
    </>
  );
}
