import { userInfo } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validatePolicyObject } from '../policy.ts';
import { anomaly, exitOf, MinerKit, startTicksOf } from '../test-support.ts';
import { createKillProcess, type KillProcessDeps } from './kill-process.ts';
import { bootTimeMs } from './procfs.ts';

/**
 * minCpuPercent 0 skips the CPU sample where a test is about something else: on a shared 2-core machine under load a
 * short sample is noisy. The CPU criterion has its own tests (the first and the idle one), with a floor a spinning process
 * clears even when it gets a fraction of a core, and an idle one does not.
 */
const config = (allow: Record<string, string[]> = {}, minCpuPercent = 0) =>
  validatePolicyObject(
    {
      playbooks: {
        'kill-process': {
          mode: 'auto',
          match: { minCpuPercent, cpuSampleMs: 500 },
          allow,
          graceMs: 400,
          killWaitMs: 2000,
          respawnWindowMs: 150,
        },
      },
    },
    'test',
  ).playbooks['kill-process'];

const kit = new MinerKit();
afterAll(() => kit.cleanup());

const minerAnomaly = (pid: number, extra: Record<string, number | string> = {}) =>
  anomaly({ targets: { pid, startTicks: startTicksOf(pid), ...extra } });

describe('kill-process on real processes', () => {
  let signals: string[];
  const deps: KillProcessDeps = {
    kill: (pid, sig) => {
      signals.push(sig);
      process.kill(pid, sig);
    },
  };
  beforeAll(() => {
    signals = [];
  });

  it('finds a spinning xmrig by its own checks and stops it with SIGTERM', async () => {
    signals = [];
    const miner = await kit.start();
    const pb = createKillProcess(config({}, 5), deps);
    const planned = await pb.plan(minerAnomaly(miner.pid!));
    expect(planned.ok, JSON.stringify(planned)).toBe(true);
    if (!planned.ok) return;
    expect(planned.plan.matchedBy).toBe('name "xmrig"'); // argv0; node renames its own comm to MainThread
    expect(planned.plan.exe).toBe(kit.nodeExe);
    expect(planned.plan.cpuPercent).toBeGreaterThanOrEqual(5);
    const exec = await pb.execute(planned.plan);
    expect(exec).toMatchObject({ ok: true, facts: { signals: 'SIGTERM' } });
    expect(await exitOf(miner)).toBe('SIGTERM');
    expect(signals).toEqual(['SIGTERM']);
    expect((await pb.verify(planned.plan)).ok).toBe(true);
  });

  it('escalates to SIGKILL for a miner that ignores SIGTERM', async () => {
    signals = [];
    const miner = await kit.start({ flags: ['--ignore-term'] });
    const pb = createKillProcess(config(), deps);
    const planned = await pb.plan(minerAnomaly(miner.pid!));
    if (!planned.ok) throw new Error(planned.reason);
    const exec = await pb.execute(planned.plan);
    expect(exec).toMatchObject({ ok: true, facts: { signals: 'SIGTERM,SIGKILL' } });
    expect(await exitOf(miner)).toBe('SIGKILL');
  });

  it('accepts a detector that recorded startTime in epoch ms', async () => {
    const miner = await kit.start({ flags: ['--idle'] });
    const startTime = bootTimeMs() + startTicksOf(miner.pid!) * 10;
    const pb = createKillProcess(config(), deps);
    const planned = await pb.plan(anomaly({ targets: { pid: miner.pid!, startTime } }));
    expect(planned.ok).toBe(true);
    miner.kill('SIGKILL');
  });

  it('refuses a pid whose start time does not match (pid reuse) and sends nothing', async () => {
    signals = [];
    const miner = await kit.start();
    const pb = createKillProcess(config(), deps);
    const planned = await pb.plan(anomaly({ targets: { pid: miner.pid!, startTicks: startTicksOf(miner.pid!) - 1 } }));
    expect(planned).toMatchObject({ ok: false, field: 'evidence.targets.startTicks' });
    expect(planned.ok ? '' : planned.reason).toMatch(/start time mismatch/);
    const stale = await pb.plan(anomaly({ targets: { pid: miner.pid!, startTime: 1_000 } }));
    expect(stale).toMatchObject({ ok: false, field: 'evidence.targets.startTime' });
    expect(signals).toEqual([]);
    expect(miner.exitCode).toBeNull();
    miner.kill('SIGKILL');
  });

  it('refuses at execution when the planned process was replaced', async () => {
    const miner = await kit.start();
    const pb = createKillProcess(config(), deps);
    const planned = await pb.plan(minerAnomaly(miner.pid!));
    if (!planned.ok) throw new Error(planned.reason);
    const forged = { ...planned.plan, startTicks: planned.plan.startTicks + 7 };
    signals = [];
    expect((await pb.execute(forged)).ok).toBe(false);
    expect(signals).toEqual([]);
    miner.kill('SIGKILL');
  });

  it('does not kill a miner-looking process allowlisted by exe path or by user', async () => {
    signals = [];
    const byExe = await kit.start();
    // As root the second miner runs as nobody; otherwise allowlist the user running the test.
    const root = process.getuid?.() === 0;
    const byUser = await kit.start({ uid: root ? 65534 : undefined });
    const userName = root ? 'nobody' : userInfo().username;
    const exeRule = await createKillProcess(config({ exePaths: [kit.nodeExe] }), deps).plan(minerAnomaly(byExe.pid!));
    expect(exeRule.ok ? '' : exeRule.reason).toMatch(/allowlisted exe/);
    const userRule = await createKillProcess(config({ users: [userName] }), deps).plan(minerAnomaly(byUser.pid!));
    expect(userRule.ok ? '' : userRule.reason).toBe(`protected: allowlisted user ${userName}`);
    // Without the allowlist both would be targets: the allowlist is what protects them.
    for (const child of [byExe, byUser])
      expect((await createKillProcess(config(), deps).plan(minerAnomaly(child.pid!))).ok).toBe(true);
    expect(signals).toEqual([]);
    expect(byExe.exitCode ?? byExe.signalCode).toBeNull();
    byExe.kill('SIGKILL');
    byUser.kill('SIGKILL');
  });

  it('refuses processes that match no miner criteria, or burn too little CPU', async () => {
    const plain = await kit.start({ exe: kit.nodeExe, miner: false });
    const idle = await kit.start({ flags: ['--idle'] });
    const pb = createKillProcess(config({}, 5), deps);
    const p1 = await pb.plan(minerAnomaly(plain.pid!));
    expect(p1.ok ? '' : p1.reason).toMatch(/matches no configured miner/);
    const p2 = await pb.plan(minerAnomaly(idle.pid!));
    expect(p2.ok ? '' : p2.reason).toMatch(/below minCpuPercent/);
    plain.kill('SIGKILL');
    idle.kill('SIGKILL');
  });

  it('never targets init, kernel threads, the agent or its parent, whatever the detector says', async () => {
    const pb = createKillProcess(config({ names: [] }), deps);
    const cases: [number, RegExp][] = [
      [1, /pid 1|protected/],
      [2, /kernel thread/],
      [process.pid, /agent itself/],
      [process.ppid, /agent's parent/],
    ];
    for (const [pid, why] of cases) {
      const planned = await pb.plan(minerAnomaly(pid));
      expect(planned.ok ? '' : planned.reason).toMatch(why);
    }
  });

  it('rejects hostile pid values without touching anything', async () => {
    const pb = createKillProcess(config(), deps);
    for (const pid of ['1; kill -9 1', '$(reboot)', '-1', '0', '12\n13', 99_999_999, 1.5]) {
      const planned = await pb.plan(anomaly({ targets: { pid, startTicks: 1 } }));
      expect(planned).toMatchObject({ ok: false, field: 'evidence.targets.pid' });
    }
  });
});

describe('kill-process through the Responder', () => {
  it('recommend mode waits; an approval re-verifies, kills the real miner and audits who approved', async () => {
    const { Responder } = await import('../responder.ts');
    const { MemoryAuditSink } = await import('../audit.ts');
    const policy = validatePolicyObject(
      {
        killSwitchFile: '/nonexistent/vigil-switch',
        playbooks: {
          'kill-process': {
            mode: 'recommend',
            match: { minCpuPercent: 0 },
            graceMs: 400,
            respawnWindowMs: 100,
          },
          'block-ip': { mode: 'off' },
          'clean-disk': { mode: 'off' },
        },
      },
      'test',
    );
    const audit = new MemoryAuditSink();
    const responder = new Responder({
      policy,
      playbooks: [createKillProcess(policy.playbooks['kill-process'])],
      audit,
    });
    const miner = await kit.start();
    const [rec] = await responder.handle(minerAnomaly(miner.pid!));
    expect(rec).toMatchObject({ decision: 'recommended', target: `${miner.pid}:${startTicksOf(miner.pid!)}` });
    expect(miner.exitCode ?? miner.signalCode).toBeNull();
    const done = await responder.approve(rec.recommendationId!, 'oncall-alice');
    expect(done).toMatchObject({ decision: 'executed', result: 'success', approvedBy: 'oncall-alice' });
    expect(await exitOf(miner)).toBe('SIGTERM');
  });
});
