import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReplayReport } from '../../agent/src/pipeline/replay.ts';
import { AnomalySchema, compileValidator } from '../../models/src/schema/index.ts';
import { cli } from './support/agent-process.ts';
import { testBundle } from './support/test-bundle.ts';

const FIXTURE = path.resolve(import.meta.dirname, 'fixtures/brute-force.auth.log');
const check = compileValidator(AnomalySchema);
let bundle: string;
let dir: string;

beforeAll(async () => {
  bundle = await testBundle();
  dir = mkdtempSync(path.join(tmpdir(), 'vigil-replay-'));
}, 60_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('vigil-agent replay', () => {
  it('prints anomalies and the actions policy would take as JSON, without acting', async () => {
    const policy = path.join(dir, 'policy.yaml');
    writeFileSync(policy, 'playbooks:\n  block-ip:\n    mode: auto\n    backend: nft\n');
    const r = await cli([
      'replay',
      FIXTURE,
      '--json',
      '--bundle',
      bundle,
      '--policy',
      policy,
      '--year',
      '2025',
      '--host',
      'web-1',
    ]);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as ReplayReport;
    expect(report.parse).toEqual({ files: 1, lines: 125, events: 124, errors: 1, skipped: 0 });
    expect(report.errors[0]).toMatchObject({ file: FIXTURE, line: 124, code: 'bad_header' });
    const brute = report.anomalies.filter((a) => a.entity.kind === 'ip');
    expect(brute).toHaveLength(1);
    expect(check(brute[0], 'anomaly')).toMatchObject({
      type: 'ssh_brute_force',
      entity: { id: '45.155.205.7' },
      window: { start: Date.UTC(2025, 2, 3, 10, 0), end: Date.UTC(2025, 2, 3, 10, 5) },
      host: 'web-1',
    });
    expect(brute[0].evidence.topFeatures[0]).toMatchObject({
      name: expect.any(String),
      contribution: expect.any(Number),
    });
    expect(brute[0].evidence.lines[0]).toMatch(/Failed password for .* from 45\.155\.205\.7/);
    // backend nft in the policy is forced to dry-run: a replay never touches the firewall
    expect(report.actions).toContainEqual({
      anomalyId: brute[0].id,
      playbook: 'block-ip',
      mode: 'auto',
      decision: 'would-execute',
      target: '45.155.205.7',
      why: 'block 45.155.205.7 for 3600 s (dry-run)',
    });
  });

  it('uses the default policy (recommend) and prints a readable report', async () => {
    const r = await cli(['replay', FIXTURE, '--bundle', bundle, '--year', '2025']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/1 anomaly:\n.*ssh_brute_force ip:45\.155\.205\.7/);
    expect(r.stdout).toMatch(/-> block-ip \[recommend\] would-recommend 45\.155\.205\.7/);
    expect(r.stdout).toContain('rejected');
  });

  it('refuses bad usage with exit 2 and a missing bundle with a clear error', async () => {
    expect((await cli(['replay'])).code).toBe(2);
    expect((await cli(['replay', FIXTURE, '--format', 'nope'])).stderr).toMatch(/--format must be one of/);
    const missing = await cli(['replay', FIXTURE, '--bundle', path.join(dir, 'nothing')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/cannot read manifest/);
  });
});

describe('vigil-agent CLI basics', () => {
  it('prints its version and help, and config check names the bad key', async () => {
    expect((await cli(['--version'])).stdout).toMatch(/^vigil-agent \d+\.\d+\.\d+/);
    const help = await cli(['--help']);
    expect(help.stdout).toMatch(/Commands:\n {2}run/);
    for (const cmd of [['run'], ['status'], ['actions', 'list'], ['unblock'], ['replay'], ['config', 'check']]) {
      const r = await cli([...cmd, '--help']);
      expect(r.code, cmd.join(' ')).toBe(0);
      expect(r.stdout).toMatch(/^Usage: vigil-agent /);
    }
    const bad = path.join(dir, 'bad.yaml');
    writeFileSync(bad, 'pipeline:\n  decisionIntervalMs: fast\nsurprise: 1\n');
    const r = await cli(['config', 'check', bad]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('surprise: Unexpected property');
    expect(r.stderr).toContain('pipeline.decisionIntervalMs: Expected integer');
    const json = await cli(['config', 'check', bad, '--json']);
    expect(JSON.parse(json.stdout)).toMatchObject({
      ok: false,
      problems: expect.arrayContaining([{ key: 'surprise', message: expect.any(String) }]),
    });
    expect((await cli(['run'])).stderr).toMatch(/--config FILE is required/);
    expect((await cli(['unblock', 'not-an-ip'])).code).toBe(2);
  });
});
