import type { LogEvent } from '../../schema/index.ts';
import { type KeyedSeries, METRICS, type Metric, type Scope } from './types.ts';

export interface SeriesBuilderConfig {
  /** Bucket width; 5 min (300000) or an hour (3600000). */
  stepMs: number;
  /** Epoch ms of bucket 0 (floored to stepMs); defaults to the first event. */
  origin?: number;
  /** Users kept as their own series (by event volume); the rest are summed into `user:__other__`. */
  topUsers: number;
  /** Hard cap on distinct principals tracked before top-N selection; later newcomers go to `__other__` at once. */
  maxTrackedUsers: number;
}

export const OTHER_USER = '__other__';
// Slots per bucket of the accumulator: count, errors, bytes, duration sum, duration n, max memory ratio.
const SLOTS = 6;

/** Growable dense accumulator: one row of SLOTS per bucket, so memory is 48 bytes × buckets per tracked entity. */
class Accumulator {
  data = new Float64Array(SLOTS * 256);
  volume = 0;
  buckets = 0;

  add(bucket: number, e: LogEvent) {
    if (bucket >= this.buckets) this.grow(bucket + 1);
    const o = bucket * SLOTS;
    const d = this.data;
    d[o] += 1;
    if (e.outcome === 'failure') d[o + 1] += 1;
    // Only transfer volumes add up: disk/process `bytes` are gauges (used bytes, RSS), so they are left out.
    if (e.bytes !== undefined && (e.source === 's3' || e.source === 'vpc') && Number.isFinite(e.bytes))
      d[o + 2] += e.bytes;
    if (e.source === 'lambda' && e.durationMs !== undefined && Number.isFinite(e.durationMs)) {
      d[o + 3] += e.durationMs;
      d[o + 4] += 1;
    }
    if (e.source === 'lambda' && e.memoryMb !== undefined && e.memoryLimitMb !== undefined && e.memoryLimitMb > 0) {
      d[o + 5] = Math.max(d[o + 5], e.memoryMb / e.memoryLimitMb);
    }
    this.volume++;
  }

  merge(other: Accumulator) {
    this.grow(other.buckets);
    for (let b = 0; b < other.buckets; b++) {
      const o = b * SLOTS;
      for (let s = 0; s < 5; s++) this.data[o + s] += other.data[o + s];
      this.data[o + 5] = Math.max(this.data[o + 5], other.data[o + 5]);
    }
    this.volume += other.volume;
  }

  private grow(n: number) {
    if (n > this.buckets) this.buckets = n;
    if (n * SLOTS <= this.data.length) return;
    let cap = this.data.length;
    while (cap < n * SLOTS) cap *= 2;
    const next = new Float64Array(cap);
    next.set(this.data);
    this.data = next;
  }

  /** The metric's values over `buckets` buckets; NaN where a Lambda metric had no invocation. */
  column(metric: Metric, buckets: number): Float64Array {
    const out = new Float64Array(buckets);
    const d = this.data;
    for (let b = 0; b < buckets; b++) {
      const o = b * SLOTS;
      if (b >= this.buckets) {
        out[b] = metric === 'durationMean' || metric === 'memRatioMax' ? Number.NaN : 0;
        continue;
      }
      if (metric === 'count') out[b] = d[o];
      else if (metric === 'errors') out[b] = d[o + 1];
      else if (metric === 'bytes') out[b] = d[o + 2];
      else if (metric === 'durationMean') out[b] = d[o + 4] > 0 ? d[o + 3] / d[o + 4] : Number.NaN;
      else out[b] = d[o + 4] > 0 ? d[o + 5] : Number.NaN;
    }
    return out;
  }
}

/**
 * Streams time-ordered events into per-account, per-service (source) and per-user (principal) bucket accumulators.
 * Memory: 48 bytes × buckets × (1 + sources + tracked users); an hourly year with 8 sources and 64 users ≈ 30 MB.
 */
export class SeriesBuilder {
  private readonly account = new Accumulator();
  private readonly services = new Map<string, Accumulator>();
  private readonly users = new Map<string, Accumulator>();
  private readonly otherUsers = new Accumulator();
  private origin: number | undefined;
  private lastTs = Number.NEGATIVE_INFINITY;
  private accountId = 'account';
  /** Events dropped because they arrived before the origin or out of time order by more than a bucket. */
  rejected = 0;

  constructor(private readonly cfg: SeriesBuilderConfig) {
    if (!(cfg.stepMs >= 60_000)) throw new Error(`series: stepMs must be >= 60000, got ${cfg.stepMs}`);
    if (cfg.origin !== undefined) this.origin = Math.floor(cfg.origin / cfg.stepMs) * cfg.stepMs;
  }

  add(e: LogEvent): void {
    if (!Number.isFinite(e.ts)) return void this.rejected++;
    this.origin ??= Math.floor(e.ts / this.cfg.stepMs) * this.cfg.stepMs;
    if (e.ts < this.origin || e.ts < this.lastTs - this.cfg.stepMs) return void this.rejected++;
    this.lastTs = Math.max(this.lastTs, e.ts);
    if (e.account) this.accountId = e.account;
    const bucket = Math.floor((e.ts - this.origin) / this.cfg.stepMs);
    this.account.add(bucket, e);
    let svc = this.services.get(e.source);
    if (!svc) this.services.set(e.source, (svc = new Accumulator()));
    svc.add(bucket, e);
    if (e.principal) this.userAcc(e.principal).add(bucket, e);
  }

  private userAcc(principal: string): Accumulator {
    const acc = this.users.get(principal);
    if (acc) return acc;
    if (this.users.size >= this.cfg.maxTrackedUsers) return this.otherUsers;
    const fresh = new Accumulator();
    this.users.set(principal, fresh);
    return fresh;
  }

  /** All series over [origin, end): `end` defaults to just after the last event. */
  build(metrics: readonly Metric[] = METRICS, end?: number): KeyedSeries[] {
    if (this.origin === undefined) return [];
    const step = this.cfg.stepMs;
    const buckets = Math.ceil(((end ?? this.lastTs + 1) - this.origin) / step);
    const out: KeyedSeries[] = [];
    const acct = { kind: 'account' as const, id: this.accountId };
    const push = (scope: Scope, id: string, acc: Accumulator, extra: Partial<KeyedSeries>, m: Metric) =>
      out.push({
        key: `${scope}:${id}:${m}`,
        scope,
        metric: m,
        entity: extra.entity ?? acct,
        ...(extra.source ? { source: extra.source } : {}),
        start: this.origin as number,
        stepMs: step,
        values: acc.column(m, buckets),
      });
    const lambdaOnly = (m: Metric) => m === 'durationMean' || m === 'memRatioMax';
    for (const m of metrics) if (!lambdaOnly(m)) push('account', this.accountId, this.account, {}, m);
    for (const [src, acc] of this.services) {
      for (const m of metrics) {
        if (lambdaOnly(m) && src !== 'lambda') continue;
        if (m === 'bytes' && src !== 's3' && src !== 'vpc') continue;
        push('service', src, acc, { source: src as KeyedSeries['source'] }, m);
      }
    }
    const ranked = [...this.users].sort((a, b) => b[1].volume - a[1].volume || (a[0] < b[0] ? -1 : 1));
    const other = new Accumulator();
    other.merge(this.otherUsers);
    for (const [, acc] of ranked.slice(this.cfg.topUsers)) other.merge(acc);
    const kept: [string, Accumulator][] = ranked.slice(0, this.cfg.topUsers);
    if (other.volume > 0) kept.push([OTHER_USER, other]);
    for (const [id, acc] of kept) {
      for (const m of metrics) {
        if (!lambdaOnly(m)) push('user', id, acc, { entity: { kind: 'user', id: id.slice(0, 512) } }, m);
      }
    }
    return out;
  }
}
