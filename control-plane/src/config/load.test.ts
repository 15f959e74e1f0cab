import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './load.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'vigil-config-'));
const write = (name: string, text: string) => {
  const file = path.join(dir, name);
  writeFileSync(file, text);
  return file;
};

describe('loadConfig', () => {
  it('has documented defaults', () => {
    const c = loadConfig({ env: {} });
    expect(c.host).toBe('127.0.0.1');
    expect(c.dataDir).toBe('./data');
    expect(c.databaseUrl).toBeUndefined();
    expect(c.retentionDays.anomalies).toBe(90);
  });

  it('names the environment key and the bad value', () => {
    expect(() => loadConfig({ env: { VIGIL_PORT: 'abc' } })).toThrow(
      new ConfigError("VIGIL_PORT must be an integer 1-65535, got 'abc'"),
    );
    expect(() => loadConfig({ env: { VIGIL_PORT: '70000' } })).toThrow(
      "VIGIL_PORT must be an integer 1-65535, got '70000'",
    );
    expect(() => loadConfig({ env: { VIGIL_RETENTION_DAYS_ANOMALIES: '-1' } })).toThrow(
      'VIGIL_RETENTION_DAYS_ANOMALIES must be an integer 0-36500',
    );
    expect(() => loadConfig({ env: { VIGIL_LOG_LEVEL: 'loud' } })).toThrow(
      'VIGIL_LOG_LEVEL must be one of fatal, error',
    );
    expect(() => loadConfig({ env: { DATABASE_URL: 'mysql://x' } })).toThrow(
      'DATABASE_URL must be a postgres:// or postgresql:// URL',
    );
  });

  it('never echoes a secret in an error', () => {
    const bad = 'vgl_op_tooShortButSecret';
    const err = (() => {
      try {
        loadConfig({ env: { VIGIL_ADMIN_TOKEN: bad } });
      } catch (e) {
        return e as Error;
      }
    })();
    expect(err?.message).toMatch(/^VIGIL_ADMIN_TOKEN must be .*<redacted, 24 chars>$/);
    expect(err?.message).not.toContain(bad);
  });

  it('layers file < env < flags', () => {
    const file = write(
      'c.yaml',
      'port: 9000\nhost: 0.0.0.0\nrateLimit:\n  agentPerMinute: 50\nretentionDays:\n  heartbeats: 3\n',
    );
    const c = loadConfig({
      file,
      env: { VIGIL_HOST: '10.0.0.1', DATABASE_URL: 'postgres://u@h/db' },
      overrides: [{ path: 'port', flag: '--port', value: 9100 }],
    });
    expect(c).toMatchObject({ port: 9100, host: '10.0.0.1', databaseUrl: 'postgres://u@h/db' });
    expect(c.rateLimit.agentPerMinute).toBe(50);
    expect(c.rateLimit.operatorPerMinute).toBe(600);
    expect(c.retentionDays.heartbeats).toBe(3);
  });

  it('names bad and unknown keys in a file', () => {
    const json = write('c.json', JSON.stringify({ retentionDays: { anomalies: 'forever' } }));
    expect(() => loadConfig({ file: json, env: {} })).toThrow(
      `retentionDays.anomalies (in ${json}) must be an integer`,
    );
    const typo = write('typo.yaml', 'rateLimit:\n  agentsPerMinute: 5\n');
    expect(() => loadConfig({ file: typo, env: {} })).toThrow(`${typo}: unknown key 'rateLimit.agentsPerMinute'`);
    const broken = write('broken.json', '{"port": ');
    expect(() => loadConfig({ file: broken, env: {} })).toThrow('not valid JSON');
    expect(() => loadConfig({ file: path.join(dir, 'missing.yaml'), env: {} })).toThrow('missing.yaml');
  });

  it('reads VIGIL_CONFIG and parses booleans', () => {
    const file = write('e.yaml', 'trustProxy: true\n');
    expect(loadConfig({ env: { VIGIL_CONFIG: file } }).trustProxy).toBe(true);
    expect(loadConfig({ env: { VIGIL_METRICS_PUBLIC: 'false' } }).metricsPublic).toBe(false);
    expect(() => loadConfig({ env: { VIGIL_TRUST_PROXY: 'maybe' } })).toThrow(
      "VIGIL_TRUST_PROXY must be true or false, got 'maybe'",
    );
  });
});
