import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ANOMALY_TYPES } from '../schema/anomaly.ts';
import { ValidationError } from '../schema/validate.ts';
import { loadScenarioFile, resolveScenario, validateScenario } from './scenario.ts';

function errorOf(fn: () => unknown): ValidationError {
  try {
    fn();
  } catch (err) {
    if (err instanceof ValidationError) return err;
    throw err;
  }
  throw new Error('expected a ValidationError');
}

describe('scenario defaults', () => {
  it('reproduces the seed dataset: 10 users, one year from 2025-01-01, 100,000 samples', () => {
    const s = resolveScenario();
    expect(s.users).toHaveLength(10);
    expect(s.hosts).toHaveLength(6);
    expect(s.start).toBe('2025-01-01T00:00:00.000Z');
    expect(s.endMs - s.startMs).toBe(365 * 86_400_000);
    expect(s.samples).toBe(100_000);
    expect(Object.values(s.mix).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 10);
    for (const t of ANOMALY_TYPES) expect(s.anomalies[t].count).toBeGreaterThanOrEqual(8);
  });

  it('applies overrides: command line over file over defaults, and normalises a partial mix', () => {
    const s = resolveScenario(
      { seed: 5, samples: 2000, mix: { vpc: 0.3 }, start: '2024-06-01', days: 30 },
      { seed: 9 },
    );
    expect(s.seed).toBe(9);
    expect(s.samples).toBe(2000);
    expect(s.startMs).toBe(Date.UTC(2024, 5, 1));
    expect(s.mix.vpc / s.mix['ec2.auth']).toBeCloseTo(0.3 / 0.18, 10);
  });
});

describe('scenario validation names the key', () => {
  it.each([
    [{ bogus: 1 }, 'bogus'],
    [{ mix: { vpcx: 1 } }, 'mix.vpcx'],
    [{ days: 0 }, 'days'],
    [{ users: [{ name: 'a.b', role: 'pilot' }] }, 'users.0.role'],
    [{ users: [{ name: 'a.b', role: 'admin', shoeSize: 42 }] }, 'users.0.shoeSize'],
    [{ hosts: [{ name: 'web-1', role: 'web', privateIp: '192.168.1.1' }] }, 'hosts.0.privateIp'],
    [{ hosts: [{ name: '../etc', role: 'web' }] }, 'hosts.0.name'],
    [{ anomalies: { types: { ddos: { count: -1 } } } }, 'anomalies.types.ddos.count'],
    [{ anomalies: { types: { not_a_type: { count: 1 } } } }, 'anomalies.types.not_a_type'],
    [{ start: '2025-13-45' }, 'start'],
  ])('%j -> %s', (value, key) => {
    const err = errorOf(() => resolveScenario(validateScenario(value)));
    expect(err.problems.map((p) => p.path)).toContain(key);
    expect(err.message).toContain(key);
  });

  it('refuses semantic mistakes with the key', () => {
    expect(errorOf(() => resolveScenario({ anomalies: { intensity: { min: 0.9, max: 0.2 } } })).message).toContain(
      'anomalies.intensity',
    );
    expect(
      errorOf(() =>
        resolveScenario({
          hosts: [
            { name: 'a', role: 'web' },
            { name: 'a', role: 'db' },
          ],
        }),
      ).message,
    ).toContain('hosts.1.name');
    expect(
      errorOf(() => resolveScenario({ users: [{ name: 'x.y', role: 'admin', hosts: ['nope'] }] })).message,
    ).toContain('users.0.hosts.0');
    expect(
      errorOf(() =>
        resolveScenario({
          mix: {
            'ec2.auth': 0,
            'ec2.syslog': 0,
            'ec2.process': 0,
            'ec2.disk': 0,
            lambda: 0,
            s3: 0,
            vpc: 0,
            cloudtrail: 0,
          },
        }),
      ).message,
    ).toContain('mix');
  });

  it('loads YAML and JSON files and names the file in errors', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'vigil-scenario-'));
    const yml = join(dir, 'ok.yaml');
    await writeFile(yml, 'seed: 3\ndays: 30\nanomalies:\n  types:\n    ddos: { count: 2 }\n');
    const parsed = await loadScenarioFile(yml);
    expect(resolveScenario(parsed).anomalies.ddos.count).toBe(2);
    const bad = join(dir, 'bad.json');
    await writeFile(bad, '{"samples": "lots"}');
    await expect(loadScenarioFile(bad)).rejects.toThrow(/bad\.json: samples/);
    const broken = join(dir, 'broken.yaml');
    await writeFile(broken, 'seed: [1, 2\n');
    await expect(loadScenarioFile(broken)).rejects.toThrow(/broken\.yaml/);
  });
});
