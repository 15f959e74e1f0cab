/** Retry policy for AWS calls the SDK's own retries gave up on (sustained throttling, brief outages). */
export interface BackoffOptions {
  /** Attempts after the first (default 8). */
  retries?: number;
  baseMs?: number;
  maxMs?: number;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  onRetry?: (err: unknown, attempt: number, delayMs: number) => void;
}

const RETRYABLE = new Set([
  'ThrottlingException',
  'Throttling',
  'ThrottledException',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'SlowDown',
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'InternalError',
  'InternalFailure',
]);

export function isRetryable(err: unknown): boolean {
  const e = err as { name?: string; $retryable?: unknown; $metadata?: { httpStatusCode?: number }; code?: string };
  if (e?.name && RETRYABLE.has(e.name)) return true;
  if (e?.$retryable) return true;
  const status = e?.$metadata?.httpStatusCode;
  if (status === 429 || status === 503) return true;
  return e?.code === 'ECONNRESET' || e?.name === 'TimeoutError';
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Exponential backoff with full jitter (AWS architecture blog): delay = random(0, min(max, base * 2^attempt)). */
export async function withBackoff<T>(fn: () => Promise<T>, opts: BackoffOptions = {}): Promise<T> {
  const retries = opts.retries ?? 8;
  const base = opts.baseMs ?? 100;
  const max = opts.maxMs ?? 20_000;
  const random = opts.random ?? Math.random;
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      if (attempt >= retries || !isRetryable(err)) throw err;
      const delay = Math.floor(random() * Math.min(max, base * 2 ** attempt));
      opts.onRetry?.(err, attempt + 1, delay);
      await (opts.sleep ?? sleep)(delay);
    }
  }
}
