/** PutLogEvents limits (CloudWatch Logs API reference). */
export const CW_LIMITS = {
  maxEvents: 10_000,
  maxBatchBytes: 1_048_576,
  perEventOverheadBytes: 26,
  maxSpanMs: 24 * 3600_000,
  /** Largest message we send: 256 KiB including the per-event overhead (the long-standing per-event limit). */
  maxEventBytes: 262_144 - 26,
} as const;

export interface LogEventIn<T = unknown> {
  timestamp: number;
  message: string;
  /** Carried through so the caller knows which spool item an accepted or rejected event was. */
  ref: T;
}

/** Cuts a message to maxBytes of UTF-8 without splitting a character, marking the cut. */
export function fitMessage(message: string, maxBytes: number = CW_LIMITS.maxEventBytes): string {
  if (Buffer.byteLength(message, 'utf8') <= maxBytes) return message;
  const marker = ' …[truncated]';
  const full = Buffer.from(message, 'utf8');
  let end = maxBytes - Buffer.byteLength(marker);
  while (end > 0 && (full[end] & 0xc0) === 0x80) end--; // the byte at `end` must start a character
  return `${full.subarray(0, end).toString('utf8')}${marker}`;
}

/**
 * Splits events into PutLogEvents calls that each respect every limit: chronological order, at most 10,000 events,
 * at most 1,048,576 bytes counting 26 bytes per event, and at most 24 hours between the first and last event.
 */
export function planBatches<T>(events: LogEventIn<T>[], limits = CW_LIMITS): LogEventIn<T>[][] {
  const sorted = events
    .map((e, i) => ({ e: { ...e, message: fitMessage(e.message, limits.maxEventBytes) }, i }))
    .sort((a, b) => a.e.timestamp - b.e.timestamp || a.i - b.i)
    .map((x) => x.e);
  const out: LogEventIn<T>[][] = [];
  let cur: LogEventIn<T>[] = [];
  let bytes = 0;
  for (const e of sorted) {
    const size = Buffer.byteLength(e.message, 'utf8') + limits.perEventOverheadBytes;
    const full =
      cur.length >= limits.maxEvents ||
      bytes + size > limits.maxBatchBytes ||
      (cur.length > 0 && e.timestamp - cur[0].timestamp > limits.maxSpanMs);
    if (full && cur.length > 0) {
      out.push(cur);
      cur = [];
      bytes = 0;
    }
    cur.push(e);
    bytes += size;
  }
  if (cur.length > 0) out.push(cur);
  return out;
}
