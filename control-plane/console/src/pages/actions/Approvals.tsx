import { useState } from 'preact/hooks';
import { api, qs } from '../../api.ts';
import { Badge } from '../../components/Badge.tsx';
import { type Column, DataTable } from '../../components/DataTable.tsx';
import { Pager, useCursorPager } from '../../components/Pager.tsx';
import { ReasonForm } from '../../components/ReasonForm.tsx';
import { ErrorBox, Loading } from '../../components/States.tsx';
import { fmtTime, humanize } from '../../format.ts';
import { useLive } from '../../live.ts';
import { useResource } from '../../resource.ts';
import { can, type Me } from '../../session.ts';
import type { Approval, PageOf } from '../../types.ts';

function executionText(a: Approval, now: number): string {
  if (a.status === 'rejected') return `rejected: ${a.reason ?? ''}`;
  if (a.status === 'pending') return 'waiting for a decision';
  if (a.execution)
    return `${humanize(a.execution.decision)}, ${a.execution.result}${a.execution.detail ? ` — ${a.execution.detail}` : ''}`;
  if (a.expiresAt !== null && a.expiresAt < now) return 'approval expired before the agent ran it';
  return a.via === 'ssm' ? 'sent through SSM, waiting for its result' : 'approved, waiting for the agent';
}

function Decide({ a, onDone }: { a: Approval; onDone: () => void }) {
  const [open, setOpen] = useState<'approve' | 'reject' | null>(null);
  const decide = (what: 'approve' | 'reject') => async (reason: string) => {
    await api(`/v1/actions/${a.id}/${what}`, { method: 'POST', body: { reason } });
    setOpen(null);
    onDone();
  };
  return (
    <div class="decide">
      <button
        type="button"
        class="primary"
        aria-expanded={open === 'approve'}
        onClick={() => setOpen(open === 'approve' ? null : 'approve')}
      >
        Approve
      </button>
      <button
        type="button"
        class="danger"
        aria-expanded={open === 'reject'}
        onClick={() => setOpen(open === 'reject' ? null : 'reject')}
      >
        Reject
      </button>
      {open ? (
        <ReasonForm
          label={`Reason to ${open} ${a.playbook} on ${a.host ?? 'host'}`}
          submitLabel={open === 'approve' ? 'Approve' : 'Reject'}
          danger={open === 'reject'}
          onSubmit={decide(open)}
          onCancel={() => setOpen(null)}
        />
      ) : null}
    </div>
  );
}

export function Approvals({ me, status }: { me: Me; status: string }) {
  const pager = useCursorPager(status);
  const list = useResource<PageOf<Approval>>(qs('/v1/console/approvals', { status, limit: 50, cursor: pager.cursor }));
  useLive(['actions.ingested', 'action.decided'], list.reload, 300);
  const now = Date.now();
  const operator = can(me, 'operator');
  const columns: Column<Approval>[] = [
    { key: 'at', label: 'Recommended (UTC)', render: (a) => fmtTime(a.receivedAt) },
    { key: 'host', label: 'Host', render: (a) => a.host ?? '—' },
    { key: 'pb', label: 'Playbook', render: (a) => a.playbook },
    { key: 'target', label: 'Target', render: (a) => (a.target ? <code>{a.target}</code> : '—') },
    { key: 'why', label: 'Why', render: (a) => a.why },
    { key: 'sev', label: 'Severity', render: (a) => <Badge kind="sev" value={a.severity} /> },
    { key: 'status', label: 'Decision', render: (a) => <Badge kind="state" value={a.status} /> },
    { key: 'by', label: 'Decided by', render: (a) => (a.decidedBy ? `${a.decidedBy} (${a.reason ?? ''})` : '—') },
    {
      key: 'outcome',
      label: 'Outcome',
      render: (a) => (
        <span class={a.execution ? `outcome-${a.execution.result}` : undefined} data-testid={`outcome-${a.id}`}>
          {executionText(a, now)}
        </span>
      ),
    },
  ];
  if (operator) {
    columns.push({
      key: 'decide',
      label: 'Decide',
      render: (a) => (a.status === 'pending' ? <Decide a={a} onDone={list.reload} /> : null),
    });
  }
  return (
    <>
      {!operator ? (
        <p class="muted">You have the viewer role: approving or rejecting needs an operator token.</p>
      ) : null}
      {list.error ? <ErrorBox error={list.error} retry={list.reload} /> : null}
      {list.data ? (
        <DataTable
          caption="Recommended actions"
          columns={columns}
          rows={list.data.items}
          rowKey={(a) => a.id}
          empty={status === 'pending' ? 'Nothing is waiting for approval.' : 'No recommendations.'}
        />
      ) : list.loading ? (
        <Loading what="recommendations" />
      ) : null}
      <Pager
        label="Recommendation pages"
        page={pager.page}
        nextCursor={list.data?.nextCursor}
        onNext={pager.next}
        onPrev={pager.prev}
      />
    </>
  );
}
