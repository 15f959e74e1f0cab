import type { FaultKind } from './errors.ts';
import type { Clock, ServiceName } from './types.ts';

export interface ThrottleRule {
  service: ServiceName;
  /** Operation name (e.g. `PutLogEvents`); omit to limit every operation of the service together. */
  operation?: string;
  /** Sustained requests per second allowed. */
  ratePerSecond: number;
  /** Requests allowed at once before throttling starts (token bucket size). Defaults to ratePerSecond. */
  burst?: number;
}

export interface FailRule {
  service: ServiceName;
  operation?: string;
  /** How many of the next matching calls fail. */
  count: number;
  /** Default `ServiceUnavailable` (HTTP 503). `ConnectionReset` destroys the socket without a response. */
  kind?: FaultKind;
}

interface Bucket {
  rule: ThrottleRule;
  tokens: number;
  refilledAt: number;
}

/**
 * Throttling and forced failures, applied before a stand-in handles a call, so a client's retry and backoff
 * code runs against the same error codes and status codes AWS sends.
 */
export class FaultInjector {
  private buckets: Bucket[] = [];
  private failures: Required<FailRule>[] = [];

  constructor(private readonly clock: Clock) {}

  throttle(rule: ThrottleRule): void {
    if (!(rule.ratePerSecond > 0)) throw new RangeError('throttle: ratePerSecond must be > 0');
    const burst = rule.burst ?? rule.ratePerSecond;
    if (!(burst >= 1)) throw new RangeError('throttle: burst must be >= 1');
    this.buckets.push({ rule: { ...rule, burst }, tokens: burst, refilledAt: this.clock.now() });
  }

  failNext(rule: FailRule): void {
    if (!Number.isInteger(rule.count) || rule.count < 1)
      throw new RangeError('failNext: count must be an integer >= 1');
    this.failures.push({ operation: '', kind: 'ServiceUnavailable', ...rule });
  }

  clear(): void {
    this.buckets = [];
    this.failures = [];
  }

  /** The fault to apply to this call, if any. Forced failures win over throttling. */
  check(service: ServiceName, operation: string): FaultKind | undefined {
    const failure = this.failures.find((f) => f.service === service && (!f.operation || f.operation === operation));
    if (failure) {
      failure.count--;
      if (failure.count === 0) this.failures.splice(this.failures.indexOf(failure), 1);
      return failure.kind;
    }
    let throttled = false;
    for (const b of this.buckets) {
      if (b.rule.service !== service || (b.rule.operation && b.rule.operation !== operation)) continue;
      if (!this.take(b)) throttled = true;
    }
    return throttled ? 'Throttling' : undefined;
  }

  private take(b: Bucket): boolean {
    const now = this.clock.now();
    const burst = b.rule.burst ?? b.rule.ratePerSecond;
    b.tokens = Math.min(burst, b.tokens + ((now - b.refilledAt) / 1000) * b.rule.ratePerSecond);
    b.refilledAt = now;
    if (b.tokens < 1) return false;
    b.tokens -= 1;
    return true;
  }
}
