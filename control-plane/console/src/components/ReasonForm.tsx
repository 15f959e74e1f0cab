import { useEffect, useRef, useState } from 'preact/hooks';
import { HttpError } from '../api.ts';

interface Props {
  label: string;
  submitLabel: string;
  required?: boolean;
  /** Returns when done; a thrown error is shown in the form. */
  onSubmit: (reason: string) => Promise<void>;
  onCancel: () => void;
  danger?: boolean;
}

/** An inline form for a decision that needs a reason (approve, reject, halt, rollback, close an incident). */
export function ReasonForm({ label, submitLabel, required = true, onSubmit, onCancel, danger }: Props) {
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const input = useRef<HTMLInputElement>(null);
  // Focus moves into the form that just opened, so a keyboard user can type the reason at once.
  useEffect(() => input.current?.focus(), []);
  const id = `reason-${label.replace(/[^a-z0-9]+/gi, '-')}`;
  const submit = async (e: Event) => {
    e.preventDefault();
    if (required && !reason.trim()) return setError('A reason is required.');
    setBusy(true);
    setError(null);
    try {
      await onSubmit(reason.trim());
    } catch (err) {
      setError(err instanceof HttpError ? `${err.message} (${err.code})` : String(err));
      setBusy(false);
    }
  };
  return (
    <form class="reason" onSubmit={submit}>
      <label for={id}>{label}</label>
      <input
        id={id}
        value={reason}
        maxLength={1024}
        required={required}
        ref={input}
        onInput={(e) => setReason((e.target as HTMLInputElement).value)}
        onKeyDown={(e) => e.key === 'Escape' && onCancel()}
      />
      <button type="submit" class={danger ? 'danger' : 'primary'} disabled={busy}>
        {busy ? 'Working…' : submitLabel}
      </button>
      <button type="button" onClick={onCancel} disabled={busy}>
        Cancel
      </button>
      {error ? (
        <p class="error" role="alert">
          {error}
        </p>
      ) : null}
    </form>
  );
}
