import type { AttrValue, LogEvent } from '../../../../models/src/schema/index.ts';

/** One process sample, in the JSONL shape of docs/log-contract.md (`ec2.process`), plus startTicks. */
export interface ProcessRecord {
  ts: number;
  host: string;
  pid: number;
  ppid: number;
  user: string;
  comm: string;
  exe?: string;
  cmdline?: string;
  /** Epoch ms: boot time + startTicks / CLK_TCK. With pid, what playbooks use to name a process. */
  startTime: number;
  /** Raw /proc/<pid>/stat starttime (clock ticks after boot): exact, unlike the ms value. */
  startTicks: number;
  /** Percent of one core over the last interval (since start for a process seen the first time). */
  cpu: number;
  memMb: number;
  state: string;
}

export interface LoadRecord {
  ts: number;
  host: string;
  load1: number;
  load5: number;
  load15: number;
  cpus: number;
  memUsedPct: number;
}

/** Drop undefined keys so absent fields are absent, as the contract requires, in both raw and attrs. */
function defined<T extends Record<string, unknown>>(o: T): T {
  for (const k of Object.keys(o)) if (o[k] === undefined) delete o[k];
  return o;
}

/** The raw line is the contract JSONL the training data (process.jsonl) uses, so both sides parse the same text. */
export function processRaw(r: ProcessRecord): string {
  return JSON.stringify(
    defined({
      ts: new Date(r.ts).toISOString(),
      host: r.host,
      pid: r.pid,
      ppid: r.ppid,
      user: r.user,
      comm: r.comm,
      exe: r.exe,
      cmdline: r.cmdline,
      startTime: r.startTime,
      cpu: r.cpu,
      memMb: r.memMb,
      state: r.state,
      startTicks: r.startTicks,
    }),
  );
}

export function processEvent(r: ProcessRecord): LogEvent {
  const attrs: Record<string, AttrValue> = {
    ppid: r.ppid,
    cpu: r.cpu,
    startTime: r.startTime,
    startTicks: r.startTicks,
    state: r.state,
  };
  if (r.cmdline !== undefined) attrs.cmdline = r.cmdline;
  return defined({
    ts: r.ts,
    source: 'ec2.process' as const,
    host: r.host,
    pid: r.pid,
    principal: r.user,
    program: r.comm,
    resource: r.exe,
    memoryMb: r.memMb,
    action: 'process.sample',
    outcome: 'unknown' as const,
    attrs,
    raw: processRaw(r),
  });
}

export function loadEvent(r: LoadRecord): LogEvent {
  const raw = JSON.stringify({
    ts: new Date(r.ts).toISOString(),
    host: r.host,
    kind: 'load',
    load1: r.load1,
    load5: r.load5,
    load15: r.load15,
    cpus: r.cpus,
    memUsedPct: r.memUsedPct,
  });
  return {
    ts: r.ts,
    source: 'ec2.process',
    host: r.host,
    action: 'host.load',
    outcome: 'unknown',
    attrs: { load1: r.load1, load5: r.load5, load15: r.load15, cpus: r.cpus, memUsedPct: r.memUsedPct },
    raw,
  };
}

export const round = (v: number, digits: number): number => {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
};
