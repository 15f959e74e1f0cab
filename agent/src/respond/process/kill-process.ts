import { readFileSync } from 'node:fs';
import type { Anomaly } from '../../../../models/src/schema/index.ts';
import type { KillProcessConfig } from '../policy.ts';
import { show, targetInt } from '../targets.ts';
import { type ExecResult, type PlanResult, type Playbook, sleep, type VerifyResult } from '../types.ts';
import {
  bootTimeMs,
  CLOCK_TICKS_PER_SECOND,
  listPids,
  PID_MAX,
  ProcessHandle,
  type ProcInfo,
  readInfo,
  readUserNames,
} from './procfs.ts';
import { matchesCriteria, type ProtectContext, protectionReason } from './protect.ts';

export interface KillPlan {
  pid: number;
  startTicks: number;
  exe: string;
  comm: string;
  user: string;
  cmdline: string;
  matchedBy: string;
  cpuPercent: number | null;
}

export interface KillProcessDeps {
  proc?: string;
  passwd?: string;
  selfPid?: number;
  selfPpid?: number;
  pollMs?: number;
  /** Sends the signal; process.kill unless a test observes it. */
  kill?: (pid: number, signal: 'SIGTERM' | 'SIGKILL') => void;
}

const TICK_MS = 1000 / CLOCK_TICKS_PER_SECOND;

/**
 * Kills a process the detector pointed at, only after proving from /proc that it is the same process (pid + start
 * ticks), that it is not protected, and that it matches this playbook's own miner criteria.
 *
 * Node has no pidfd API, so signals go through process.kill(pid). Each signal is preceded by a read through a
 * /proc/<pid>/stat fd held since verification: the read fails once that process is reaped, so a recycled pid is
 * detected. The window left is the few microseconds between that read and kill(2), in which the target would have
 * to exit, be reaped and have its pid handed to a new process (a full wrap of pid_max). pidfd_send_signal would close
 * it; it needs a native addon (see the report).
 */
export function createKillProcess(cfg: KillProcessConfig, deps: KillProcessDeps = {}): Playbook<KillPlan> {
  const proc = deps.proc ?? '/proc';
  const pollMs = deps.pollMs ?? 25;
  const send = deps.kill ?? ((pid, sig) => process.kill(pid, sig));
  const signalledAt = new WeakMap<KillPlan, number>();
  const context = (): ProtectContext => ({
    selfPid: deps.selfPid ?? process.pid,
    selfPpid: deps.selfPpid ?? process.ppid,
    userNames: readUserNames(deps.passwd),
  });

  const refuse = (reason: string, field?: string): PlanResult<KillPlan> => ({ ok: false, reason, field });

  async function plan(anomaly: Anomaly): Promise<PlanResult<KillPlan>> {
    const pid = targetInt(anomaly, 'pid', 1, PID_MAX);
    if (!pid) return refuse('evidence.targets.pid is missing', 'evidence.targets.pid');
    if (!pid.ok) return refuse(pid.reason, pid.field);
    const handle = ProcessHandle.open(pid.value, proc);
    if (!handle) return refuse(`pid ${pid.value} does not exist`);
    try {
      return await verifyAndMeasure(anomaly, pid.value, handle);
    } finally {
      handle.close();
    }
  }

  async function verifyAndMeasure(anomaly: Anomaly, pid: number, handle: ProcessHandle) {
    const stat = handle.read();
    if (!stat) return refuse(`pid ${pid} exited`);
    const identity = checkStartTime(anomaly, stat.startTicks, proc, cfg.startTimeToleranceMs);
    if (identity) return refuse(identity.reason, identity.field);
    const info = readInfo(pid, proc);
    // Reading info by path is safe only if the verified process still holds the pid afterwards.
    if (!info || handle.read()?.startTicks !== stat.startTicks) return refuse(`pid ${pid} exited during verification`);
    const ctx = context();
    const protectedBy = protectionReason(info, cfg.allow, ctx);
    if (protectedBy) return refuse(`protected: ${protectedBy}`);
    const matchedBy = matchesCriteria(info, cfg.match);
    if (!matchedBy) return refuse(`pid ${pid} (${show(info.stat.comm)}) matches no configured miner name or cmdline`);
    const cpu = cfg.match.minCpuPercent > 0 ? await sampleCpu(handle, cfg.match.cpuSampleMs) : null;
    if (cpu !== null && Number.isNaN(cpu)) return refuse(`pid ${pid} exited during the CPU sample`);
    if (cpu !== null && cpu < cfg.match.minCpuPercent) {
      return refuse(`pid ${pid} used ${cpu.toFixed(1)}% CPU, below minCpuPercent ${cfg.match.minCpuPercent}`);
    }
    const user = ctx.userNames.get(info.euid) ?? String(info.euid);
    const result: KillPlan = {
      pid,
      startTicks: stat.startTicks,
      exe: info.exe as string,
      comm: info.stat.comm,
      user,
      cmdline: info.cmdline.slice(0, 512),
      matchedBy,
      cpuPercent: cpu === null ? null : Math.round(cpu * 10) / 10,
    };
    return {
      ok: true as const,
      plan: result,
      targetKey: `${pid}:${stat.startTicks}`,
      summary: `kill pid ${pid} (${show(result.comm)}, ${show(result.exe)}, user ${show(user)}): ${matchedBy}${cpu === null ? '' : `, ${result.cpuPercent}% CPU`}`,
      facts: {
        pid,
        startTicks: stat.startTicks,
        exe: result.exe,
        comm: result.comm,
        user,
        matchedBy,
        cpuPercent: result.cpuPercent ?? -1,
      },
    };
  }

  async function execute(p: KillPlan): Promise<ExecResult> {
    const handle = ProcessHandle.open(p.pid, proc);
    const first = handle?.read();
    if (!handle || !first || first.startTicks !== p.startTicks) {
      handle?.close();
      return {
        ok: false,
        dryRun: false,
        detail: `pid ${p.pid} is no longer the planned process (exited or reused): nothing sent`,
      };
    }
    try {
      const info = readInfo(p.pid, proc);
      const reason =
        !info || info.exe !== p.exe ? 'exe changed since plan' : protectionReason(info, cfg.allow, context());
      if (reason) return { ok: false, dryRun: false, detail: `refused at execution: ${reason}` };
      signalledAt.set(p, uptimeTicks(proc));
      return await terminate(handle, p);
    } finally {
      handle.close();
    }
  }

  async function terminate(handle: ProcessHandle, p: KillPlan): Promise<ExecResult> {
    const sent: string[] = [];
    for (const [signal, waitMs] of [
      ['SIGTERM', cfg.graceMs],
      ['SIGKILL', cfg.killWaitMs],
    ] as const) {
      if (handle.gone()) break;
      if (!signalIfSame(handle, p, signal)) break;
      sent.push(signal);
      if (await waitGone(handle, waitMs, pollMs)) {
        return {
          ok: true,
          dryRun: false,
          detail: `pid ${p.pid} exited after ${signal}`,
          facts: { signals: sent.join(',') },
        };
      }
    }
    const gone = handle.gone();
    const detail = gone ? `pid ${p.pid} had already exited` : `pid ${p.pid} survived ${sent.join(', ')}`;
    return { ok: gone, dryRun: false, detail, facts: { signals: sent.join(',') } };
  }

  /** The last check before kill(2): read through the held fd, so a reaped and reused pid is never signalled. */
  function signalIfSame(handle: ProcessHandle, p: KillPlan, signal: 'SIGTERM' | 'SIGKILL'): boolean {
    const now = handle.read();
    if (!now || now.startTicks !== p.startTicks) return false;
    try {
      send(p.pid, signal);
      return true;
    } catch {
      return false; // ESRCH: exited in between
    }
  }

  async function verify(p: KillPlan): Promise<VerifyResult> {
    await sleep(cfg.respawnWindowMs);
    const handle = ProcessHandle.open(p.pid, proc);
    const still = handle && !handle.gone() && handle.read()?.startTicks === p.startTicks;
    handle?.close();
    if (still) return { ok: false, detail: `pid ${p.pid} is still running` };
    const since = signalledAt.get(p) ?? p.startTicks;
    const respawned = findRespawns(p.exe, since);
    if (respawned.length > 0) {
      return {
        ok: false,
        detail: `respawned: ${show(p.exe)} matching the criteria started again as pid ${respawned.join(', ')}`,
      };
    }
    return {
      ok: true,
      detail: `pid ${p.pid} is gone and ${show(p.exe)} did not respawn within ${cfg.respawnWindowMs} ms`,
    };
  }

  function findRespawns(exe: string, sinceTicks: number): number[] {
    const found: number[] = [];
    for (const pid of listPids(proc)) {
      const info: ProcInfo | null = readInfo(pid, proc);
      if (!info || info.exe !== exe || info.stat.startTicks < sinceTicks) continue;
      if (matchesCriteria(info, cfg.match) && !protectionReason(info, cfg.allow, context())) found.push(pid);
    }
    return found;
  }

  return {
    name: 'kill-process',
    appliesTo: (a) => (cfg.anomalyTypes as string[]).includes(a.type) && a.evidence.targets?.pid !== undefined,
    plan,
    execute,
    verify,
  };
}

/** Compares the detector's recorded start (ticks exactly, or epoch ms within tolerance) with the live process. */
function checkStartTime(anomaly: Anomaly, liveTicks: number, proc: string, toleranceMs: number) {
  const ticks = targetInt(anomaly, 'startTicks', 0, Number.MAX_SAFE_INTEGER);
  if (ticks) {
    if (!ticks.ok) return ticks;
    if (ticks.value === liveTicks) return null;
    return {
      field: 'evidence.targets.startTicks',
      reason: `start time mismatch: recorded ${ticks.value} ticks, live ${liveTicks} (pid reused?)`,
    };
  }
  const ms = targetInt(anomaly, 'startTime', 0, Number.MAX_SAFE_INTEGER);
  if (!ms)
    return { field: 'evidence.targets.startTicks', reason: 'evidence.targets.startTicks or startTime is required' };
  if (!ms.ok) return ms;
  const liveMs = bootTimeMs(proc) + liveTicks * TICK_MS;
  if (Math.abs(liveMs - ms.value) <= toleranceMs) return null;
  return {
    field: 'evidence.targets.startTime',
    reason: `start time mismatch: recorded ${ms.value}, live ${Math.round(liveMs)} (pid reused?)`,
  };
}

async function sampleCpu(handle: ProcessHandle, ms: number): Promise<number> {
  const a = handle.read();
  const t0 = performance.now();
  await sleep(ms);
  const b = handle.read();
  if (!a || !b) return Number.NaN;
  const seconds = (performance.now() - t0) / 1000;
  return ((b.cpuTicks - a.cpuTicks) / CLOCK_TICKS_PER_SECOND / seconds) * 100;
}

async function waitGone(handle: ProcessHandle, ms: number, pollMs: number): Promise<boolean> {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    if (handle.gone()) return true;
    await sleep(pollMs);
  }
  return handle.gone();
}

function uptimeTicks(proc: string): number {
  return Math.floor(Number(readFileSync(`${proc}/uptime`, 'latin1').split(' ')[0]) * CLOCK_TICKS_PER_SECOND);
}
