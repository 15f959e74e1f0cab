import { describe, expect, it } from 'vitest';
import type { LogEvent } from '../../schema/index.ts';
import { OTHER_USER, SeriesBuilder } from './series.ts';
import { HOUR_MS } from './types.ts';

const T0 = Date.UTC(2025, 0, 6);
const ev = (over: Partial<LogEvent>): LogEvent => ({
  ts: T0,
  source: 'cloudtrail',
  action: 'GetObject',
  outcome: 'success',
  account: '111122223333',
  raw: 'x',
  ...over,
});

describe('SeriesBuilder', () => {
  it('buckets counts, errors, transfer bytes and Lambda metrics per account, service and user', () => {
    const b = new SeriesBuilder({ stepMs: HOUR_MS, topUsers: 10, maxTrackedUsers: 100 });
    b.add(ev({ principal: 'alice' }));
    b.add(ev({ ts: T0 + 10, principal: 'alice', outcome: 'failure' }));
    b.add(ev({ ts: T0 + 20, source: 's3', principal: 'bob', bytes: 500 }));
    b.add(ev({ ts: T0 + 30, source: 'ec2.disk', bytes: 9e9 })); // a gauge: must not be summed as traffic
    b.add(ev({ ts: T0 + 2 * HOUR_MS, source: 'lambda', durationMs: 100, memoryMb: 64, memoryLimitMb: 128 }));
    b.add(ev({ ts: T0 + 2 * HOUR_MS + 5, source: 'lambda', durationMs: 300, memoryMb: 96, memoryLimitMb: 128 }));
    const all = new Map(b.build().map((s) => [s.key, s]));
    const v = (k: string) => Array.from(all.get(k)?.values ?? []);
    expect(v('account:111122223333:count')).toEqual([4, 0, 2]);
    expect(v('account:111122223333:errors')).toEqual([1, 0, 0]);
    expect(v('account:111122223333:bytes')).toEqual([500, 0, 0]);
    expect(v('service:lambda:durationMean')).toEqual([Number.NaN, Number.NaN, 200]);
    expect(v('service:lambda:memRatioMax')).toEqual([Number.NaN, Number.NaN, 0.75]);
    expect(v('user:alice:count')).toEqual([2, 0, 0]);
    expect(all.get('user:alice:count')?.entity).toEqual({ kind: 'user', id: 'alice' });
    expect(all.get('service:s3:count')?.source).toBe('s3');
    expect(all.has('service:ec2.disk:bytes')).toBe(false);
    expect(all.has('service:cloudtrail:durationMean')).toBe(false);
  });

  it('keeps the top-N users by volume and sums the rest, also past the tracking cap', () => {
    const b = new SeriesBuilder({ stepMs: HOUR_MS, topUsers: 1, maxTrackedUsers: 2 });
    for (let i = 0; i < 5; i++) b.add(ev({ ts: T0 + i, principal: 'heavy' }));
    b.add(ev({ ts: T0 + 10, principal: 'light' }));
    b.add(ev({ ts: T0 + 20, principal: 'late-newcomer' })); // over the cap: straight to __other__
    const users = b.build(['count']).filter((s) => s.scope === 'user');
    expect(users.map((s) => [s.entity.id, Array.from(s.values)])).toEqual([
      ['heavy', [5]],
      [OTHER_USER, [2]],
    ]);
  });

  it('counts, instead of mis-bucketing, events before the origin or far out of order', () => {
    const b = new SeriesBuilder({ stepMs: HOUR_MS, topUsers: 1, maxTrackedUsers: 2, origin: T0 });
    b.add(ev({ ts: T0 - 1 }));
    b.add(ev({ ts: T0 + 3 * HOUR_MS }));
    b.add(ev({ ts: T0 + HOUR_MS })); // two hours late
    b.add(ev({ ts: Number.NaN }));
    expect(b.rejected).toBe(3);
    expect(() => new SeriesBuilder({ stepMs: 10, topUsers: 1, maxTrackedUsers: 1 })).toThrow(/stepMs/);
  });
});
