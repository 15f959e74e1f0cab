import { describe, expect, it } from 'vitest';
import type { LogEvent } from '../schema/index.ts';
import { FeatureEngine, type WindowRow } from './engine.ts';
import { featureIndex, featureSchema } from './schema.ts';

const T0 = Date.UTC(2025, 2, 3, 10, 0, 0); // a Monday
const MIN = 60_000;

function sshFail(ts: number, ip: string, user = 'root', host = 'web-1'): LogEvent {
  return {
    ts,
    source: 'ec2.auth',
    host,
    program: 'sshd',
    principal: user,
    srcIp: ip,
    srcPort: 40000,
    action: 'ssh.failed',
    outcome: 'failure',
    attrs: { method: 'password', invalidUser: false },
    raw: `Mar  3 10:00:00 ${host} sshd[1]: Failed password for ${user} from ${ip} port 40000 ssh2`,
  };
}

const f = (row: WindowRow, name: string) => row.features[featureIndex(name)];
const rowFor = (rows: WindowRow[], kind: string, id: string) =>
  rows.find((r) => r.entity.kind === kind && r.entity.id === id);

describe('FeatureEngine', () => {
  it('emits one row per active entity when a window closes, with counts from that window only', () => {
    const eng = new FeatureEngine();
    const rows: WindowRow[] = [];
    for (let i = 0; i < 40; i++) eng.push(sshFail(T0 + i * 1000, '203.0.113.9', `u${i % 7}`), rows);
    expect(rows).toHaveLength(0);
    eng.push(sshFail(T0 + 6 * MIN, '198.51.100.1'), rows);
    const ip = rowFor(rows, 'ip', '203.0.113.9');
    const host = rowFor(rows, 'host', 'web-1');
    expect(ip && host).toBeTruthy();
    expect(f(ip as WindowRow, 'ssh_fail')).toBe(40);
    expect(f(ip as WindowRow, 'distinct_principals')).toBe(7);
    expect(f(ip as WindowRow, 'session_attempts')).toBe(40);
    expect(f(host as WindowRow, 'fail_ratio')).toBe(1);
    expect((ip as WindowRow).targets.ip).toBe('203.0.113.9');
    expect((ip as WindowRow).end - (ip as WindowRow).start).toBe(5 * MIN);
  });

  it('has no baseline (NaN z-score) until the entity has history, then scores against its own history', () => {
    const eng = new FeatureEngine();
    const rows: WindowRow[] = [];
    for (let w = 0; w < 30; w++) {
      for (let i = 0; i < 3; i++) eng.push(sshFail(T0 + w * 5 * MIN + i * 1000, '10.0.0.5'), rows);
    }
    for (let i = 0; i < 60; i++) eng.push(sshFail(T0 + 30 * 5 * MIN + i * 1000, '10.0.0.5'), rows);
    eng.flush(rows);
    const ipRows = rows.filter((r) => r.entity.kind === 'ip');
    expect(Number.isNaN(f(ipRows[0], 'n_events_z'))).toBe(true);
    expect(f(ipRows[20], 'n_events_z')).toBeCloseTo(0, 5);
    expect(f(ipRows.at(-1) as WindowRow, 'n_events_z')).toBeGreaterThan(10);
    expect(f(ipRows.at(-1) as WindowRow, 'events_1h')).toBe(60 + 11 * 3);
  });

  it('remembers a burst in the decayed 6 h sums after its window has closed', () => {
    const eng = new FeatureEngine();
    const rows: WindowRow[] = [];
    for (let i = 0; i < 20; i++) eng.push(sshFail(T0 + i * 1000, '203.0.113.9'), rows);
    eng.push(sshFail(T0 + 6 * 3600_000, '203.0.113.9'), rows); // six hours (one half-life) later
    eng.flush(rows);
    const later = rows.filter((r) => r.entity.kind === 'ip').at(-1) as WindowRow;
    expect(f(later, 'ssh_fail')).toBe(1);
    expect(f(later, 'ssh_fail_6h')).toBeCloseTo(1 + 20 * 0.5 ** ((6 * 3600_000 - 5 * MIN) / (6 * 3600_000)), 3);
  });

  it('snapshot reads an open window without committing it', () => {
    const eng = new FeatureEngine();
    for (let i = 0; i < 5; i++) eng.push(sshFail(T0 + i, '203.0.113.9'));
    const snap = eng.snapshot((r) => r.kind === 'ip');
    expect(snap).toHaveLength(1);
    expect(snap[0].final).toBe(false);
    expect(f(snap[0], 'ssh_fail')).toBe(5);
    eng.push(sshFail(T0 + 10, '203.0.113.9'));
    const rows = eng.flush();
    expect(f(rowFor(rows, 'ip', '203.0.113.9') as WindowRow, 'ssh_fail')).toBe(6);
  });

  it('counts late events into the open window instead of dropping them', () => {
    const eng = new FeatureEngine();
    eng.push(sshFail(T0 + 6 * MIN, '203.0.113.9'));
    eng.push(sshFail(T0, '203.0.113.9'));
    expect(eng.getStats().lateEvents).toBe(1);
    expect(f(rowFor(eng.flush(), 'ip', '203.0.113.9') as WindowRow, 'ssh_fail')).toBe(2);
  });

  it('bounds the number of tracked entities', () => {
    const eng = new FeatureEngine({ maxEntities: 100 });
    for (let i = 0; i < 1000; i++) eng.push(sshFail(T0 + i, `198.51.${i >> 8}.${i & 255}`));
    expect(eng.getStats().entities).toBeLessThanOrEqual(100);
    expect(eng.getStats().evictions).toBeGreaterThan(800);
  });

  it('has a schema hash that changes with the window length', () => {
    expect(featureSchema(300_000, 3_600_000).hash).toBe(new FeatureEngine().schema.hash);
    expect(featureSchema(60_000, 3_600_000).hash).not.toBe(new FeatureEngine().schema.hash);
    expect(new Set(new FeatureEngine().schema.names).size).toBe(new FeatureEngine().schema.names.length);
  });

  it('refuses a bad config naming the key', () => {
    expect(() => new FeatureEngine({ windowMs: 5 })).toThrow(/windowMs/);
  });
});
