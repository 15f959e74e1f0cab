import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM_PATH } from '../../control-plane/src/report/pdf.ts';
import { consoleScreenshots } from '../../demo/console-shots.ts';
import { Fleet, type HostOutcome } from '../../demo/fleet.ts';
import { REPO } from '../../demo/procs.ts';
import { generateDataset } from '../../models/src/synth/index.ts';

/*
 * `npm start` in small: 2 real agents and the control plane, 30 wall seconds at speed 60 (30 event minutes). Asserts
 * on outcomes: every injected incident detected, the brute-force IP blocked, the decoy miner dead, the disk back
 * under target, incidents in the API, and nothing left running or mounted afterwards.
 */
const SHOTS = path.join(REPO, 'test-results/demo');
const TYPE_OF = { 'brute-force': 'ssh_brute_force', miner: 'crypto_miner', 'disk-fill': 'disk_fill' } as const;

interface StoredAnomaly {
  anomaly: { type: string; host?: string; entity: { kind: string; id: string }; detectedAt: number };
}

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });

const pidAlive = (pid: number | undefined) => {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('npm start (the live demo), 30 s with 2 hosts', () => {
  let fleet: Fleet;
  let outcomes: HostOutcome[];
  let anomalies: StoredAnomaly[];
  let incidents: unknown[];
  let pids: (number | undefined)[];
  let shots: string[] = [];

  beforeAll(async () => {
    const dataDir = path.join(REPO, 'data/default');
    if (!existsSync(path.join(dataDir, 'manifest.json'))) await generateDataset({ out: dataDir });
    fleet = new Fleet({
      dataDir,
      bundleDir: path.join(REPO, 'models/bundles/default'),
      canaryBundleDir: path.join(REPO, 'models/bundles/candidate-1.1.0'),
      workDir: mkdtempSync(path.join(tmpdir(), 'vigil-demo-')),
      hosts: 2,
      speed: 60,
      durationSec: 30,
      fixes: 'auto',
      controlPlane: { port: await freePort() },
      cloud: true,
    });
    try {
      await fleet.start();
      await fleet.run();
      outcomes = await fleet.outcomes();
      const cp = fleet.cp!;
      anomalies = (await cp.admin.get<{ items: StoredAnomaly[] }>('/v1/anomalies?limit=1000')).items;
      incidents = (await cp.admin.get<{ items: unknown[] }>('/v1/incidents?limit=200')).items;
      pids = [cp.child.pid, ...fleet.hosts.flatMap((h) => [h.agent.child.pid, h.replay.miner.pid])];
      if (existsSync(CHROMIUM_PATH)) shots = await consoleScreenshots(cp.url, cp.tokens.operator, SHOTS);
      else console.warn(`${CHROMIUM_PATH} is missing: console screenshots of the demo skipped`);
    } finally {
      await fleet.stop(false);
    }
  }, 180_000);

  afterAll(() => fleet?.stop(false));

  it('detects every injected incident on the host it was injected on', () => {
    const injected = outcomes.flatMap((o) => o.injections.map((i) => ({ host: o.host, ...i })));
    expect(injected.map((i) => i.kind).sort()).toEqual(expect.arrayContaining(['brute-force', 'miner']));
    for (const i of injected) {
      const found = anomalies.some(
        (a) =>
          a.anomaly.type === TYPE_OF[i.kind] &&
          (i.kind === 'brute-force' ? a.anomaly.entity.id === i.ip : a.anomaly.entity.id === i.host),
      );
      expect(found, `${i.kind} on ${i.host} at +${i.at / 60_000} event minutes`).toBe(true);
    }
  });

  it('blocked the brute-force IP (nftables in the host netns, or recorded as dry-run)', () => {
    for (const o of outcomes) {
      for (const i of o.injections) {
        if (i.kind !== 'brute-force') continue;
        const blocked = o.status?.actions.recent.some(
          (a) =>
            a.playbook === 'block-ip' &&
            a.target === i.ip &&
            a.decision === 'executed' &&
            (a.result === 'success' || a.dryRun),
        );
        expect(blocked, `block of ${i.ip} on ${o.host}`).toBe(true);
      }
    }
  });

  it('killed the decoy miner and brought the disk back under target', () => {
    for (const o of outcomes) {
      if (o.injections.some((i) => i.kind === 'miner')) expect(o.minerAlive, `miner on ${o.host}`).toBe(false);
      if (o.injections.some((i) => i.kind === 'disk-fill')) {
        expect(o.diskUsedPct, `disk of ${o.host}`).toBeLessThan(60);
      }
    }
    if (!outcomes.some((o) => o.sandbox.tmpfs)) console.warn('disk-fill skipped: no tmpfs here (needs root)');
  });

  it('delivered the signed candidate bundle to the canary host only', () => {
    expect(outcomes[0].status?.model.version).toBe('1.1.0');
    for (const o of outcomes.slice(1)) expect(o.status?.model.version).toBe('1.0.0');
  });

  it('shows incidents in the control-plane API', () => {
    expect(incidents.length).toBeGreaterThan(0);
  });

  it.skipIf(!existsSync(CHROMIUM_PATH))(
    'shows the run in the console (screenshots of the fleet and an incident)',
    () => {
      expect(shots.map((f) => path.basename(f))).toEqual(['fleet.png', 'incidents.png', 'incident.png']);
      for (const f of shots) expect(statSync(f).size).toBeGreaterThan(10_000);
    },
  );

  it('leaves nothing running, mounted or configured afterwards', () => {
    for (const pid of pids) expect(pidAlive(pid), `pid ${pid}`).toBe(false);
    const mounts = readFileSync('/proc/mounts', 'utf8');
    for (const o of outcomes) {
      expect(mounts.includes(o.sandbox.logDir)).toBe(false);
      if (o.sandbox.netns) {
        expect(execFileSync('/usr/sbin/ip', ['netns', 'list'], { encoding: 'utf8' })).not.toContain(o.sandbox.netns);
      }
    }
  });
});
