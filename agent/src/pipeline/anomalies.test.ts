import { describe, expect, it } from 'vitest';
import type { WindowRow } from '../../../models/src/features/engine.ts';
import { severityOf } from '../../../models/src/onnx/row-scorer.ts';
import { AnomalyDedupe, sourceOf } from './anomalies.ts';

const row = (kind: 'host' | 'ip', id: string, start: number, targets: WindowRow['targets'] = {}): WindowRow => ({
  entity: { kind, id },
  start,
  end: start + 300_000,
  features: new Float32Array(1),
  lines: [],
  targets,
  final: false,
});

describe('anomaly building', () => {
  it('raises once per entity, window and target; a new top process on the host is a new finding', () => {
    const d = new AnomalyDedupe();
    expect(d.first(row('ip', '45.1.2.3', 0, { ip: '45.1.2.3' }))).toBe(true);
    expect(d.first(row('ip', '45.1.2.3', 0, { ip: '45.1.2.3' }))).toBe(false);
    expect(d.first(row('ip', '45.1.2.3', 300_000, { ip: '45.1.2.3' }))).toBe(true);
    expect(d.first(row('host', 'web-1', 0, { pid: 10, startTicks: 5 }))).toBe(true);
    expect(d.first(row('host', 'web-1', 0, { pid: 10, startTicks: 5 }))).toBe(false);
    expect(d.first(row('host', 'web-1', 0, { pid: 11, startTicks: 9 }))).toBe(true);
  });

  it('grades severity by how far past the threshold the score is, and names a source', () => {
    expect(severityOf(0.5, 0.5)).toBe('low');
    expect(severityOf(0.7, 0.5)).toBe('medium');
    expect(severityOf(0.8, 0.5)).toBe('high');
    expect(severityOf(0.99, 0.5)).toBe('critical');
    expect(sourceOf('ssh_brute_force', row('ip', 'x', 0))).toBe('ec2.auth');
    expect(sourceOf('unknown', row('host', 'web-1', 0, { mount: '/' }))).toBe('ec2.disk');
    expect(sourceOf('unknown', row('host', 'web-1', 0, { pid: 3 }))).toBe('ec2.process');
  });
});
