import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, realpathSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LogEventSchema } from '../../../../models/src/schema/index.ts';
import { compileValidator } from '../../../../models/src/schema/validate.ts';
import { PROCESS_SOURCE_DEFAULTS } from './config.ts';
import { parseStat } from './proc.ts';
import { ProcessSampler } from './process-sampler.ts';

const validEvent = compileValidator(LogEventSchema);
const children: ChildProcess[] = [];
afterEach(() => {
  for (const c of children.splice(0)) c.kill('SIGKILL');
});

function spawned(cmd: string, args: string[], cwd?: string): Promise<ChildProcess> {
  const c = spawn(cmd, args, { stdio: 'ignore', cwd });
  children.push(c);
  return new Promise((resolve, reject) => {
    c.once('spawn', () => resolve(c));
    c.once('error', reject);
  });
}

const sampler = (extra = {}) => new ProcessSampler({ ...PROCESS_SOURCE_DEFAULTS, host: 'web-1', ...extra });

describe('parseStat', () => {
  it('takes comm up to the last parenthesis, so a hostile name cannot shift the fields', () => {
    const evil = '4242 (x) R 1 (y) S 77 4242 4242 0 -1 4194560 100 0 0 0 250 50 0 0 20 0 1 0 123456 1000 256 0';
    const st = parseStat(evil)!;
    expect(st).toMatchObject({ pid: 4242, comm: 'x) R 1 (y', state: 'S', ppid: 77, cpuTicks: 300, startTicks: 123456 });
    expect(st.rssPages).toBe(256);
    expect(parseStat('garbage')).toBeNull();
    expect(parseStat('12 (short) R 1')).toBeNull();
  });
});

describe('ProcessSampler', () => {
  it('with cwdUnder, samples only processes working inside those trees', async () => {
    const sandbox = realpathSync(mkdtempSync(path.join(tmpdir(), 'vps-')));
    const inside = await spawned('sleep', ['30'], sandbox);
    const outside = await spawned('sleep', ['30']);
    const events = await sampler({ cwdUnder: [sandbox] }).sample();
    const pids = events.map((e) => e.pid).filter((p) => p !== undefined);
    expect(pids).toContain(inside.pid);
    expect(pids).not.toContain(outside.pid);
    expect(pids).not.toContain(process.pid);
  });

  it('reports a new child with its pid, start time from /proc, command line, user and parent', async () => {
    const before = Date.now();
    const child = await spawned('sleep', ['30']);
    const s = sampler();
    const events = await s.sample();
    const ev = events.find((e) => e.pid === child.pid);
    expect(ev).toBeDefined();
    for (const e of events) validEvent(e, `event pid ${e.pid}`);
    const startTicks = parseStat(readFileSync(`/proc/${child.pid}/stat`, 'latin1'))!.startTicks;
    expect(ev).toMatchObject({
      source: 'ec2.process',
      action: 'process.sample',
      outcome: 'unknown',
      host: 'web-1',
      program: 'sleep',
      principal: userInfo().username,
      attrs: { ppid: process.pid, cmdline: 'sleep 30', startTicks },
    });
    expect(ev!.resource).toMatch(/\/sleep$/);
    // btime has 1 s resolution: the start time is right to within about a second.
    expect(Math.abs((ev!.attrs!.startTime as number) - before)).toBeLessThan(1500);
    expect(s.startTimeMs(startTicks)).toBe(ev!.attrs!.startTime);
    const raw = JSON.parse(ev!.raw);
    expect(Object.keys(raw)).toEqual([
      'ts',
      'host',
      'pid',
      'ppid',
      'user',
      'comm',
      'exe',
      'cmdline',
      'startTime',
      'cpu',
      'memMb',
      'state',
      'startTicks',
    ]);
    expect(raw).toMatchObject({ pid: child.pid, comm: 'sleep', cmdline: 'sleep 30', startTime: ev!.attrs!.startTime });
    const load = events.at(-1)!;
    expect(load.action).toBe('host.load');
    expect(JSON.parse(load.raw)).toMatchObject({ kind: 'load', host: 'web-1' });
  });

  it('measures CPU as the utime+stime delta between samples and reports only new or busy processes after', async () => {
    // A shell loop, not node: node renames its main thread's comm ("MainThread") a moment after start, which the
    // sampler rightly treats as a new process (an exec), so its second sample would not be a delta.
    const busy = await spawned('/bin/sh', ['-c', 'while :; do :; done']);
    const ticks = () => parseStat(readFileSync(`/proc/${busy.pid}/stat`, 'latin1'))!.cpuTicks;
    const s = sampler({ topN: 5 });
    const [t0, w0] = [ticks(), performance.now()];
    await s.sample();
    const [t1, w1] = [ticks(), performance.now()];
    await new Promise((r) => setTimeout(r, 500));
    const [t2, w2] = [ticks(), performance.now()];
    const second = await s.sample();
    const [t3, w3] = [ticks(), performance.now()];
    // The sampler read the child's ticks once inside each sample, so its delta lies between the inner (t1..t2) and
    // outer (t0..t3) deltas, and its wall time likewise: that bounds the CPU it may report on a shared machine.
    const rate = (dt: number, dw: number) => (dt / 100 / (dw / 1000)) * 100;
    const cpu = second.find((e) => e.pid === busy.pid)?.attrs?.cpu as number;
    expect(cpu).toBeGreaterThanOrEqual(rate(t2 - t1, w3 - w0) - 5);
    expect(cpu).toBeLessThanOrEqual(rate(t3 - t0, w2 - w1) + 5);
    expect(cpu).toBeGreaterThan(5);
    // The idle baseline is not repeated: only new processes and the top N by CPU (+ the load line).
    expect(second.length).toBeLessThan(s.counters.processes);
  });

  it('caps the processes read per sample and counts the cut', async () => {
    const s = sampler({ maxProcesses: 3 });
    const events = await s.sample();
    expect(events.filter((e) => e.action === 'process.sample').length).toBeLessThanOrEqual(3);
    expect(s.counters.capped).toBe(1);
  });
});
