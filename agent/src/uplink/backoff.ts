/** Exponential backoff with full jitter (docs/api.md): random(0, min(cap, base * 2^attempt)), at least retryAfter. */
export function backoffMs(
  attempt: number,
  baseMs: number,
  capMs: number,
  retryAfterMs = 0,
  random = Math.random,
): number {
  const ceiling = Math.min(capMs, baseMs * 2 ** Math.min(attempt, 30));
  return Math.max(retryAfterMs, Math.floor(random() * ceiling));
}

/** Retry-After as seconds or an HTTP date; undefined when absent or unreadable. Capped at one day. */
export function parseRetryAfter(value: string | null | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const v = value.trim();
  if (/^\d{1,9}$/.test(v)) return Math.min(Number(v) * 1000, 86_400_000);
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.min(Math.max(0, at - now), 86_400_000);
}
