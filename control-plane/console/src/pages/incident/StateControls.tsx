import { useState } from 'preact/hooks';
import { api } from '../../api.ts';
import { ReasonForm } from '../../components/ReasonForm.tsx';
import { can, type Me } from '../../session.ts';
import type { Incident } from '../../types.ts';

type Target = 'acknowledged' | 'resolved' | 'false_positive';
const LABEL: Record<Target, string> = {
  acknowledged: 'Acknowledge',
  resolved: 'Resolve (true positive)',
  false_positive: 'Mark false positive',
};

/**
 * Acknowledge / resolve / false positive. Closing an incident stores one feedback label per anomaly for retraining,
 * so the two closing choices ask for a note. Viewers see the state only: the API would refuse them anyway (403).
 */
export function StateControls({ incident, me, onChanged }: { incident: Incident; me: Me; onChanged: () => void }) {
  const [open, setOpen] = useState<Target | null>(null);
  const [done, setDone] = useState<string | null>(null);
  if (!can(me, 'operator')) {
    return <p class="muted">You have the viewer role: changing the state needs an operator token.</p>;
  }
  const closed = incident.status === 'resolved' || incident.status === 'false_positive';
  const choices: Target[] = closed
    ? []
    : incident.status === 'open'
      ? ['acknowledged', 'resolved', 'false_positive']
      : ['resolved', 'false_positive'];
  const submit = (state: Target) => async (note: string) => {
    const out = await api<{ labels: number }>(`/v1/incidents/${incident.id}/state`, {
      method: 'POST',
      body: note ? { state, note } : { state },
    });
    setOpen(null);
    setDone(
      state === 'acknowledged' ? 'Acknowledged.' : `Closed; ${out.labels} feedback label(s) stored for retraining.`,
    );
    onChanged();
  };
  return (
    <div class="state-controls">
      {choices.length === 0 ? <p class="muted">This incident is closed.</p> : null}
      <div class="buttons">
        {choices.map((c) => (
          <button
            key={c}
            type="button"
            class={c === 'false_positive' ? 'danger' : undefined}
            aria-expanded={open === c}
            onClick={() => setOpen(open === c ? null : c)}
          >
            {LABEL[c]}
          </button>
        ))}
      </div>
      {open ? (
        <ReasonForm
          label={open === 'acknowledged' ? 'Note (optional)' : 'Note for the label (optional)'}
          submitLabel={LABEL[open]}
          required={false}
          danger={open === 'false_positive'}
          onSubmit={submit(open)}
          onCancel={() => setOpen(null)}
        />
      ) : null}
      {done ? (
        <p class="ok" role="status">
          {done}
        </p>
      ) : null}
    </div>
  );
}
