import type { LogEvent } from '../../schema/event.ts';
import { isoMs } from '../time.ts';
import type { SynthRecord } from '../types.ts';
import { files } from './files.ts';

/** One process as the agent's sampler reports it. */
export interface ProcSample {
  pid: number;
  ppid: number;
  user: string;
  comm: string;
  exe: string;
  cmdline: string;
  startTime: number;
  cpu: number;
  memMb: number;
  state: string;
}

const round1 = (x: number) => Math.round(x * 10) / 10;
const round2 = (x: number) => Math.round(x * 100) / 100;

export function processRecord(hostname: string, ts: number, p: ProcSample, label?: string): SynthRecord {
  const cpu = round1(p.cpu);
  const memMb = round1(p.memMb);
  const line = JSON.stringify({
    ts: isoMs(ts),
    host: hostname,
    pid: p.pid,
    ppid: p.ppid,
    user: p.user,
    comm: p.comm,
    exe: p.exe,
    cmdline: p.cmdline,
    startTime: p.startTime,
    cpu,
    memMb,
    state: p.state,
  });
  const event: LogEvent = {
    ts,
    source: 'ec2.process',
    host: hostname,
    pid: p.pid,
    principal: p.user,
    program: p.comm,
    resource: p.exe,
    memoryMb: memMb,
    action: 'process.sample',
    outcome: 'unknown',
    attrs: { ppid: p.ppid, cmdline: p.cmdline, cpu, startTime: p.startTime, state: p.state },
    raw: line,
  };
  return withLabel({ source: 'ec2.process', file: files.process(hostname), line, event }, label);
}

export interface LoadSample {
  load1: number;
  load5: number;
  load15: number;
  cpus: number;
  memUsedPct: number;
}

export function loadRecord(hostname: string, ts: number, l: LoadSample, label?: string): SynthRecord {
  const v = {
    load1: round2(l.load1),
    load5: round2(l.load5),
    load15: round2(l.load15),
    cpus: l.cpus,
    memUsedPct: round1(l.memUsedPct),
  };
  const line = JSON.stringify({ ts: isoMs(ts), host: hostname, kind: 'load', ...v });
  const event: LogEvent = {
    ts,
    source: 'ec2.process',
    host: hostname,
    action: 'host.load',
    outcome: 'unknown',
    attrs: v,
    raw: line,
  };
  return withLabel({ source: 'ec2.process', file: files.process(hostname), line, event }, label);
}

export function diskRecord(
  hostname: string,
  ts: number,
  d: { mount: string; fs: string; sizeBytes: number; usedBytes: number },
  label?: string,
): SynthRecord {
  const usedBytes = Math.round(Math.min(d.sizeBytes, Math.max(0, d.usedBytes)));
  const line = JSON.stringify({
    ts: isoMs(ts),
    host: hostname,
    mount: d.mount,
    fs: d.fs,
    sizeBytes: d.sizeBytes,
    usedBytes,
  });
  const event: LogEvent = {
    ts,
    source: 'ec2.disk',
    host: hostname,
    resource: d.mount,
    bytes: usedBytes,
    action: 'disk.sample',
    outcome: 'unknown',
    attrs: { sizeBytes: d.sizeBytes, usedPct: round2((usedBytes / d.sizeBytes) * 100), fs: d.fs },
    raw: line,
  };
  return withLabel({ source: 'ec2.disk', file: files.disk(hostname), line, event }, label);
}

export function withLabel(r: SynthRecord, label: string | undefined): SynthRecord {
  if (label !== undefined) r.label = label;
  return r;
}
