import { useState } from 'preact/hooks';
import { api } from '../../api.ts';
import { Badge } from '../../components/Badge.tsx';
import { DataTable } from '../../components/DataTable.tsx';
import { ReasonForm } from '../../components/ReasonForm.tsx';
import { fmtTime } from '../../format.ts';
import { can, type Me } from '../../session.ts';
import type { Rollout } from '../../types.ts';

function Controls({ r, onDone }: { r: Rollout; onDone: () => void }) {
  const [open, setOpen] = useState<'halt' | 'rollback' | null>(null);
  const canHalt = r.status === 'active';
  const canRollback = r.status !== 'rolled_back';
  if (!canHalt && !canRollback) return null;
  const run = (what: 'halt' | 'rollback') => async (reason: string) => {
    await api(`/v1/rollouts/${r.id}/${what}`, { method: 'POST', body: { reason } });
    setOpen(null);
    onDone();
  };
  return (
    <div class="decide">
      {canHalt ? (
        <button type="button" aria-expanded={open === 'halt'} onClick={() => setOpen(open === 'halt' ? null : 'halt')}>
          Halt
        </button>
      ) : null}
      {canRollback ? (
        <button
          type="button"
          class="danger"
          aria-expanded={open === 'rollback'}
          onClick={() => setOpen(open === 'rollback' ? null : 'rollback')}
        >
          Roll back
        </button>
      ) : null}
      {open ? (
        <ReasonForm
          label={`Reason to ${open} ${r.bundleVersion} on ${r.channel}`}
          submitLabel={open === 'halt' ? 'Halt' : 'Roll back'}
          danger
          onSubmit={run(open)}
          onCancel={() => setOpen(null)}
        />
      ) : null}
    </div>
  );
}

export function Rollouts({ rollouts, me, onChanged }: { rollouts: Rollout[]; me: Me; onChanged: () => void }) {
  const operator = can(me, 'operator');
  return (
    <DataTable
      caption="Rollouts, newest first"
      columns={[
        { key: 'channel', label: 'Channel', render: (r) => r.channel },
        { key: 'version', label: 'Bundle', render: (r) => r.bundleVersion },
        { key: 'status', label: 'State', render: (r) => <Badge kind="state" value={r.status} /> },
        { key: 'pct', label: 'Hosts', numeric: true, render: (r) => `${r.percent} %` },
        { key: 'started', label: 'Started (UTC)', render: (r) => `${fmtTime(r.startedAt)} by ${r.createdBy}` },
        { key: 'halt', label: 'Halt reason', render: (r) => r.haltReason ?? '—' },
        ...(operator
          ? [{ key: 'ctl', label: 'Control', render: (r: Rollout) => <Controls r={r} onDone={onChanged} /> }]
          : []),
      ]}
      rows={rollouts}
      rowKey={(r) => r.id}
      empty="No rollouts yet: POST /v1/rollouts starts one."
    />
  );
}
