import { humanize } from '../format.ts';

/** A status word with a colour; the word carries the meaning, the colour only helps scanning. */
export function Badge({ kind, value }: { kind: 'sev' | 'state' | 'health' | 'result'; value: string | null }) {
  const v = value ?? 'unknown';
  return <span class={`badge ${kind}-${v.replace(/[^a-z_]/g, '')}`}>{humanize(v)}</span>;
}
