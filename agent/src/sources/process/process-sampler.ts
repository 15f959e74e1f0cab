import { availableParallelism, hostname, loadavg } from 'node:os';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import type { LogEvent } from '../../../../models/src/schema/index.ts';
import { readMeminfo } from './meminfo.ts';
import { PF_KTHREAD, ProcFs, type ProcStat, systemConstants } from './proc.ts';
import { loadEvent, type ProcessRecord, processEvent, round } from './records.ts';
import { UserNames } from './users.ts';

export interface ProcessSamplerOptions {
  host?: string;
  /** Hard cap on processes read per sample (lowest pids first); cut samples are counted. */
  maxProcesses: number;
  /** Besides new processes, emit the top N by CPU each sample. */
  topN: number;
  /** Emit every process every sample (costly on busy hosts; for training-data capture). */
  emitAll: boolean;
  includeKernelThreads: boolean;
  maxCmdlineBytes: number;
  procRoot: string;
  passwdPath: string;
  /**
   * Only processes whose working directory is inside one of these trees (a container or sandbox root); absent =
   * every process. Decided once per process, like the other once-per-process reads.
   */
  cwdUnder?: string[];
}

interface Known {
  startTicks: number;
  cpuTicks: number;
  /** performance.now() of the sample that read cpuTicks. */
  at: number;
  comm: string;
  user: string;
  exe?: string;
  cmdline?: string;
  inScope: boolean;
}

/**
 * Samples processes straight from /proc: si.processes() spawns `ps` and took ~145 ms here against ~3 ms for reading
 * every /proc/<pid>/stat (see measure.ts). The expensive reads (cmdline, status, exe) happen once per process
 * (pid + start time), or again after an exec (comm changed); CPU is the utime+stime delta between samples.
 */
export class ProcessSampler {
  private known = new Map<number, Known>();
  private readonly proc: ProcFs;
  private readonly users: UserNames;
  private readonly host: string;
  private readonly clockTicks: number;
  private readonly pageSize: number;
  private bootMs = 0;
  readonly counters = { samples: 0, capped: 0, processes: 0, emitted: 0, newProcesses: 0 };

  constructor(private readonly opts: ProcessSamplerOptions) {
    this.proc = new ProcFs(opts.procRoot);
    this.users = new UserNames(opts.passwdPath);
    this.host = opts.host ?? hostname();
    const c = systemConstants();
    this.clockTicks = c.clockTicks;
    this.pageSize = c.pageSize;
  }

  /** Wall-clock start of a process, epoch ms (btime has 1 s resolution, so this does too, at best). */
  startTimeMs(startTicks: number): number {
    if (this.bootMs === 0) this.bootMs = this.proc.bootTimeSec() * 1000;
    return this.bootMs + Math.round((startTicks * 1000) / this.clockTicks);
  }

  async sample(now = Date.now()): Promise<LogEvent[]> {
    let pids = this.proc.pids();
    if (pids.length > this.opts.maxProcesses) {
      this.counters.capped++;
      pids = pids.slice(0, this.opts.maxProcesses);
    }
    const next = new Map<number, Known>();
    const fresh: ProcessRecord[] = [];
    const seen: ProcessRecord[] = [];
    for (let i = 0; i < pids.length; i++) {
      if (i % 256 === 255) await yieldToLoop(); // keep the event loop (tailing, scoring) responsive
      const st = this.proc.stat(pids[i]);
      // When this process's ticks were read, not when the sample began: describing new processes makes a sample
      // slow, and a CPU rate over the sample's start times would be skewed by it.
      const readAt = performance.now();
      if (!st || (!this.opts.includeKernelThreads && (st.flags & PF_KTHREAD) !== 0)) continue;
      const prev = this.known.get(st.pid);
      const same = prev !== undefined && prev.startTicks === st.startTicks && prev.comm === st.comm;
      const k = same ? { ...prev, cpuTicks: st.cpuTicks, at: readAt } : this.describe(st, readAt);
      next.set(st.pid, k);
      if (!k.inScope) continue;
      const rec = this.record(st, k, now, same ? prev : undefined, readAt);
      (same ? seen : fresh).push(rec);
    }
    this.known = next;
    this.counters.samples++;
    this.counters.processes = next.size;
    this.counters.newProcesses += fresh.length;
    const chosen = this.opts.emitAll ? [...fresh, ...seen] : [...fresh, ...topByCpu(seen, this.opts.topN)];
    this.counters.emitted += chosen.length;
    return [...chosen.map(processEvent), await this.load(now)];
  }

  /** The once-per-process reads: owner, executable, command line. */
  private describe(st: ProcStat, at: number): Known {
    const uid = this.proc.uid(st.pid);
    const cmdline = this.proc.cmdline(st.pid, this.opts.maxCmdlineBytes);
    return {
      startTicks: st.startTicks,
      cpuTicks: st.cpuTicks,
      at,
      comm: st.comm,
      user: uid === null ? 'unknown' : this.users.name(uid),
      exe: this.proc.exe(st.pid) ?? undefined,
      cmdline: cmdline || undefined,
      inScope: this.inScope(st.pid),
    };
  }

  private inScope(pid: number): boolean {
    const roots = this.opts.cwdUnder;
    if (!roots) return true;
    const cwd = this.proc.cwd(pid);
    return cwd !== null && roots.some((r) => cwd === r || cwd.startsWith(r.endsWith('/') ? r : `${r}/`));
  }

  private record(st: ProcStat, k: Known, now: number, prev: Known | undefined, at: number): ProcessRecord {
    const startTime = this.startTimeMs(st.startTicks);
    const cpuSec = (prev ? st.cpuTicks - prev.cpuTicks : st.cpuTicks) / this.clockTicks;
    // startTime is wall time; `now` may be an accelerated event clock, so a new process's age uses the wall clock.
    const wallSec = prev ? (at - prev.at) / 1000 : (Date.now() - startTime) / 1000;
    return {
      ts: now,
      host: this.host,
      pid: st.pid,
      ppid: st.ppid,
      user: k.user,
      comm: st.comm,
      exe: k.exe,
      cmdline: k.cmdline,
      startTime,
      startTicks: st.startTicks,
      cpu: wallSec > 0 ? round((cpuSec / wallSec) * 100, 2) : 0,
      memMb: round((st.rssPages * this.pageSize) / 1048576, 1),
      state: st.state,
    };
  }

  /** Load and memory: /proc/meminfo as systeminformation's mem() reads it (see meminfo.ts). */
  private async load(now: number): Promise<LogEvent> {
    const [l1, l5, l15] = loadavg();
    const m = await readMeminfo();
    return loadEvent({
      ts: now,
      host: this.host,
      load1: round(l1, 2),
      load5: round(l5, 2),
      load15: round(l15, 2),
      cpus: availableParallelism(),
      memUsedPct: m.total > 0 ? round(((m.total - m.available) / m.total) * 100, 1) : 0,
    });
  }
}

function topByCpu(recs: ProcessRecord[], n: number): ProcessRecord[] {
  if (n <= 0) return [];
  return recs
    .filter((r) => r.cpu > 0)
    .sort((a, b) => b.cpu - a.cpu)
    .slice(0, n);
}
