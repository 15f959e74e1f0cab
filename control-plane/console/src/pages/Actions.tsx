import { Card } from '../components/States.tsx';
import { humanize } from '../format.ts';
import { replaceParams } from '../router.ts';
import type { Me } from '../session.ts';
import { Approvals } from './actions/Approvals.tsx';
import { History } from './actions/History.tsx';
import { Rates } from './actions/Rates.tsx';

const STATUSES = ['pending', 'approved', 'rejected'] as const;

export function Actions({ me, params }: { me: Me; params: URLSearchParams }) {
  const status = (STATUSES as readonly string[]).includes(params.get('status') ?? '')
    ? params.get('status')!
    : 'pending';
  const playbook = params.get('playbook') ?? '';
  const result = params.get('result') ?? '';
  const set = (patch: Record<string, string | undefined>) =>
    replaceParams('actions', { status, playbook, result, ...patch });
  return (
    <>
      <h1>Actions</h1>
      <Card
        title="Approvals"
        actions={
          <label>
            Show
            <select value={status} onChange={(e) => set({ status: (e.target as HTMLSelectElement).value })}>
              {STATUSES.map((s) => (
                <option key={s} value={s}>
                  {humanize(s)}
                </option>
              ))}
            </select>
          </label>
        }
      >
        <Approvals me={me} status={status} />
      </Card>
      <Card title="Success rate per playbook">
        <Rates />
      </Card>
      <Card
        title="History"
        actions={
          <div class="inline-controls">
            <label>
              Playbook
              <select
                value={playbook}
                onChange={(e) => set({ playbook: (e.target as HTMLSelectElement).value || undefined })}
              >
                <option value="">any</option>
                {['block-ip', 'kill-process', 'clean-disk'].map((p) => (
                  <option key={p} value={p}>
                    {p}
                  </option>
                ))}
              </select>
            </label>
            <label>
              Result
              <select
                value={result}
                onChange={(e) => set({ result: (e.target as HTMLSelectElement).value || undefined })}
              >
                <option value="">any</option>
                {['success', 'failure', 'none'].map((r) => (
                  <option key={r} value={r}>
                    {r}
                  </option>
                ))}
              </select>
            </label>
          </div>
        }
      >
        <History playbook={playbook} result={result} />
      </Card>
    </>
  );
}
