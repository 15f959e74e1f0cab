/** Number and time formatting shared by the Markdown and HTML renderers and the charts. */

export function duration(ms: number | null): string {
  if (ms === null) return '—';
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.round(ms / 60_000);
  if (m < 120) return `${m} min`;
  const h = ms / 3_600_000;
  if (h < 48) return `${h.toFixed(1)} h`;
  return `${(h / 24).toFixed(1)} d`;
}

export const percent = (x: number | null, digits = 1) => (x === null ? '—' : `${(x * 100).toFixed(digits)}%`);

export const count = (n: number) => n.toLocaleString('en-US');

export const isoDate = (ms: number) => new Date(ms).toISOString().slice(0, 10);

export const isoMinute = (ms: number) => `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;

/** A tick label for a time axis: the date for day-sized buckets, else day and hour. */
export function timeTick(ms: number, bucketMs: number): string {
  const iso = new Date(ms).toISOString();
  return bucketMs >= 86_400_000 ? iso.slice(5, 10) : `${iso.slice(5, 10)} ${iso.slice(11, 16)}`;
}
