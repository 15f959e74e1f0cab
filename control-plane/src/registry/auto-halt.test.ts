import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dbBackends } from '../../../test/support/pg.ts';
import type { AlertRecord } from '../events.ts';
import { type Harness, harness, inventory } from '../testing/harness.ts';
import { type AutoHaltOptions, checkRolloutHealth, departure } from './auto-halt.ts';
import { registryPlugin } from './plugin.ts';
import { rolloutBucket } from './rollouts.ts';
import { bundleFiles, tarGz } from './test-bundle.ts';

const backends = await dbBackends();
const keyDir = mkdtempSync(path.join(tmpdir(), 'vigil-keys-'));
afterAll(() => rmSync(keyDir, { recursive: true, force: true }));
const OPTS: AutoHaltOptions = { windowMs: 3_600_000, factor: 3, minLines: 1000, minErrors: 3 };

describe('departure', () => {
  const g = (hosts: number, lines: number, anomalies: number, errors = 0) => ({ hosts, lines, anomalies, errors });
  it('halts on a rate far above or below the rest, and never on thin data', () => {
    expect(departure(g(1, 10_000, 100), g(9, 90_000, 900), OPTS)).toBeNull();
    expect(departure(g(1, 10_000, 400), g(9, 90_000, 900), OPTS)).toMatch(/anomaly rate is 4\.0\dx/);
    expect(departure(g(1, 10_000, 0), g(9, 90_000, 900), OPTS)).toMatch(/anomaly rate is 0\.\d+x/);
    expect(departure(g(1, 500, 400), g(9, 90_000, 900), OPTS)).toBeNull();
    expect(departure(g(1, 10_000, 100, 20), g(9, 90_000, 900, 3), OPTS)).toMatch(/error rate/);
    expect(departure(g(1, 10_000, 100, 2), g(9, 90_000, 900, 0), OPTS)).toBeNull();
  });
});

describe.each(backends)('automatic rollout halt on $name', (backend) => {
  let h: Harness;
  const raised: AlertRecord[] = [];
  beforeEach(async () => {
    h = await harness(backend, {}, { plugins: [registryPlugin({ keyDir }, { startJobs: false })] });
    h.app.vigil.events.on('alert.raised', (a) => void raised.push(a));
  });
  afterEach(() => h.close());

  async function beat(credential: string, instanceId: string, host: string, lines: number, anomalies: number) {
    const res = await h.call({
      method: 'POST',
      url: '/v1/agents/heartbeat',
      token: credential,
      payload: { inventory: inventory(instanceId, host), counters: { lines, anomalies, actions: 0, spoolDepth: 0 } },
    });
    expect(res.statusCode).toBe(200);
  }

  async function setup() {
    const admin = await h.token('admin');
    const op = await h.token('operator');
    await h.call({
      method: 'POST',
      url: '/v1/bundles',
      token: admin,
      headers: { 'content-type': 'application/gzip' },
      payload: tarGz(bundleFiles('4.0.0')),
    });
    const canary = await h.enroll('i-0c01', 'canary-1');
    const rest = await h.enroll('i-0d01', 'stable-1');
    await h.call({
      method: 'PUT',
      url: `/v1/agents/${canary.agentId}/channel`,
      token: op,
      payload: { channel: 'canary' },
    });
    const percent = Math.min(99, Math.floor(rolloutBucket(canary.agentId) / 100) + 1);
    const ro = await h.call({
      method: 'POST',
      url: '/v1/rollouts',
      token: op,
      payload: { bundleVersion: '4.0.0', channel: 'canary', percent },
    });
    return { canary, rest, rolloutId: ro.json().id as string };
  }

  it('halts a canary whose anomaly rate departs from the rest and raises an alert', async () => {
    const { canary, rest, rolloutId } = await setup();
    // Counters are totals since start; the canary restarts midway (counter reset) and still counts correctly.
    const series: [number, number, number, number][] = [
      [0, 0, 0, 0],
      [10_000, 300, 10_000, 10],
      [5_000, 200, 20_000, 20],
    ];
    for (const [cl, ca, rl, ra] of series) {
      await beat(canary.credential, 'i-0c01', 'canary-1', cl, ca);
      await beat(rest.credential, 'i-0d01', 'stable-1', rl, ra);
      h.advance(60_000);
    }
    expect(await checkRolloutHealth(h.app.vigil, OPTS)).toEqual([rolloutId]);
    const list = (await h.call({ method: 'GET', url: '/v1/rollouts', token: await h.token('viewer') })).json();
    const ro = list.items.find((r: { id: string }) => r.id === rolloutId);
    expect(ro.status).toBe('paused');
    expect(ro.haltReason).toMatch(/^automatic: canary anomaly rate/);
    expect(ro.haltDetails.canary).toMatchObject({ hosts: 1, lines: 15_000, anomalies: 500 });
    expect(raised.at(-1)).toMatchObject({ kind: 'rollout_halted', subject: rolloutId, severity: 'high' });
    expect(await checkRolloutHealth(h.app.vigil, OPTS)).toEqual([]);
  });

  it('leaves a healthy canary alone, and ignores telemetry older than the window', async () => {
    const { canary, rest } = await setup();
    await beat(canary.credential, 'i-0c01', 'canary-1', 0, 0);
    await beat(rest.credential, 'i-0d01', 'stable-1', 0, 0);
    h.advance(60_000);
    await beat(canary.credential, 'i-0c01', 'canary-1', 10_000, 900);
    await beat(rest.credential, 'i-0d01', 'stable-1', 10_000, 10);
    h.advance(2 * 3_600_000);
    await beat(canary.credential, 'i-0c01', 'canary-1', 20_000, 910);
    await beat(rest.credential, 'i-0d01', 'stable-1', 20_000, 20);
    h.advance(60_000);
    await beat(canary.credential, 'i-0c01', 'canary-1', 30_000, 920);
    await beat(rest.credential, 'i-0d01', 'stable-1', 30_000, 30);
    expect(await checkRolloutHealth(h.app.vigil, OPTS)).toEqual([]);
  });
});
