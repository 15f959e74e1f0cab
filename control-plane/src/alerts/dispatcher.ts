import { DeliveryError, type Destination } from './destinations.ts';
import type { AlertMessage, Notice } from './message.ts';

export interface DispatcherOptions {
  /** Notices with the same key within this window become one message with a count. */
  groupWindowMs: number;
  /** A dedupId seen within this window is dropped (a re-sent batch, a re-emitted event). */
  dedupWindowMs: number;
  /** Messages per minute per destination; the excess is dropped and counted in the next message. */
  perMinute: number;
  maxAttempts: number;
  backoffBaseMs: number;
  backoffMaxMs: number;
  /** Bound on open groups and dedup ids so a flood cannot grow memory without end. */
  maxKeys: number;
}

export interface DestinationStats {
  sent: number;
  failed: number;
  retried: number;
  rateLimited: number;
}

interface Group {
  notice: Notice;
  count: number;
}

class TokenBucket {
  private tokens: number;
  private last: number;
  constructor(
    private readonly perMinute: number,
    now: number,
  ) {
    this.tokens = perMinute;
    this.last = now;
  }
  take(now: number): boolean {
    this.tokens = Math.min(this.perMinute, this.tokens + ((now - this.last) * this.perMinute) / 60_000);
    this.last = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

/**
 * Groups, deduplicates, rate-limits and delivers notices. `offer` is synchronous and never throws, so the request
 * or event that produced a notice never waits for a webhook; delivery failures retry with exponential backoff and
 * jitter on timers, and are counted, never lost silently.
 */
export class AlertDispatcher {
  readonly stats = new Map<string, DestinationStats>();
  deduplicated = 0;
  grouped = 0;
  dropped = 0;
  private readonly groups = new Map<string, Group>();
  private readonly seen = new Map<string, number>();
  private readonly buckets = new Map<string, TokenBucket>();
  private readonly suppressed = new Map<string, number>();
  private readonly timers = new Set<NodeJS.Timeout>();
  /** Scheduled retries and their destination, so close() can count the ones it abandons. */
  private readonly retries = new Map<NodeJS.Timeout, string>();
  private readonly inflight = new Set<Promise<void>>();
  private closed = false;

  constructor(
    private readonly destinations: readonly Destination[],
    private readonly o: DispatcherOptions,
    private readonly now: () => number = Date.now,
    private readonly log: (msg: string, detail: object) => void = () => {},
  ) {
    for (const d of destinations) {
      this.stats.set(d.name, { sent: 0, failed: 0, retried: 0, rateLimited: 0 });
      this.buckets.set(d.name, new TokenBucket(o.perMinute, now()));
    }
  }

  offer(n: Notice): void {
    if (this.closed || this.destinations.length === 0) return;
    const now = this.now();
    const seenAt = this.seen.get(n.dedupId);
    if (seenAt !== undefined && now - seenAt < this.o.dedupWindowMs) {
      this.deduplicated++;
      return;
    }
    if (this.seen.size >= this.o.maxKeys) this.seen.clear();
    this.seen.set(n.dedupId, now);
    const g = this.groups.get(n.key);
    if (g) {
      g.count++;
      this.grouped++;
      return;
    }
    if (this.groups.size >= this.o.maxKeys) {
      this.dropped++;
      return;
    }
    this.groups.set(n.key, { notice: n, count: 1 });
    this.later(this.o.groupWindowMs, () => this.flushGroup(n.key));
  }

  private later(ms: number, fn: () => void, retryOf?: string): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      this.retries.delete(t);
      fn();
    }, ms);
    t.unref();
    this.timers.add(t);
    if (retryOf) this.retries.set(t, retryOf);
  }

  private flushGroup(key: string): void {
    const g = this.groups.get(key);
    if (!g) return;
    this.groups.delete(key);
    for (const d of this.destinations) {
      const st = this.stats.get(d.name)!;
      if (!this.buckets.get(d.name)!.take(this.now())) {
        st.rateLimited++;
        this.suppressed.set(d.name, (this.suppressed.get(d.name) ?? 0) + 1);
        continue;
      }
      const suppressed = this.suppressed.get(d.name) ?? 0;
      this.suppressed.delete(d.name);
      this.attempt(d, { notice: g.notice, count: g.count, windowMs: this.o.groupWindowMs, suppressed }, 1);
    }
  }

  private attempt(d: Destination, m: AlertMessage, n: number): void {
    const st = this.stats.get(d.name)!;
    const p = d
      .send(m)
      .then(
        () => {
          st.sent++;
        },
        (err: unknown) => {
          if (n >= this.o.maxAttempts || this.closed) {
            st.failed++;
            this.log('alert delivery failed', {
              destination: d.name,
              key: m.notice.key,
              attempts: n,
              error: String(err),
            });
            return;
          }
          st.retried++;
          const backoff = Math.min(this.o.backoffMaxMs, this.o.backoffBaseMs * 2 ** (n - 1));
          const wait = err instanceof DeliveryError && err.retryAfterMs ? Math.max(err.retryAfterMs, backoff) : backoff;
          this.later(wait / 2 + Math.random() * (wait / 2), () => this.attempt(d, m, n + 1), d.name);
        },
      )
      .finally(() => this.inflight.delete(p));
    this.inflight.add(p);
  }

  /** Sends every open group now and waits for deliveries in flight (shutdown, tests). */
  async flush(): Promise<void> {
    for (const key of [...this.groups.keys()]) this.flushGroup(key);
    while (this.inflight.size) await Promise.allSettled([...this.inflight]);
  }

  /** Flushes open groups, then stops: pending retries are abandoned and counted as failures. */
  async close(): Promise<void> {
    await this.flush();
    this.closed = true;
    for (const [, name] of this.retries) this.stats.get(name)!.failed++;
    if (this.retries.size) this.log('alert retries abandoned at shutdown', { count: this.retries.size });
    this.retries.clear();
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }
}
