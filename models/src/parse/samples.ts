import { SAMPLE_ACTIONS } from '../schema/actions.ts';
import type { AttrValue, LogEvent } from '../schema/event.ts';
import { compactAttrs } from './fields.ts';
import { FieldReader, parseObject } from './json-record.ts';
import { type LineParser, type ParseContext, type ParseResult, SKIP_BLANK } from './types.ts';

function blank(line: string): boolean {
  return line.length === 0 || line.trim() === '';
}

/**
 * ec2.process JSON Lines: process samples (`process.sample`) and host load lines (`kind: "load"`, `host.load`),
 * mapped as docs/log-contract.md says.
 */
export class ProcessParser implements LineParser {
  readonly format = 'process' as const;

  parse(line: string, _ctx: ParseContext): ParseResult {
    if (blank(line)) return SKIP_BLANK;
    const d = parseObject(line, 'process sample');
    if (!d.ok) return d;
    const r = new FieldReader(d.rec, 'process sample');
    const ts = r.time('ts');
    const host = r.str('host');
    if (r.rec.kind === 'load') {
      const attrs = compactAttrs({
        load1: r.num('load1'),
        load5: r.num('load5'),
        load15: r.num('load15'),
        cpus: r.int('cpus'),
        memUsedPct: r.num('memUsedPct'),
      });
      if (r.error || ts === undefined) return { ok: false, error: r.error! };
      const e: LogEvent = { ts, source: 'ec2.process', action: 'host.load', outcome: 'unknown', raw: line };
      if (host !== undefined) e.host = host;
      if (attrs) e.attrs = attrs;
      return { ok: true, event: e };
    }
    const pid = r.int('pid', true);
    const user = r.str('user');
    const comm = r.str('comm');
    const exe = r.str('exe');
    const memMb = r.num('memMb');
    const attrs = compactAttrs({
      ppid: r.int('ppid'),
      cmdline: r.str('cmdline'),
      cpu: r.num('cpu'),
      startTime: r.num('startTime'),
      startTicks: r.int('startTicks'),
      state: r.str('state'),
    });
    if (r.error || ts === undefined) return { ok: false, error: r.error! };
    const e: LogEvent = { ts, source: 'ec2.process', action: SAMPLE_ACTIONS.process, outcome: 'unknown', raw: line };
    if (host !== undefined) e.host = host;
    if (user !== undefined) e.principal = user;
    if (exe !== undefined) e.resource = exe;
    if (memMb !== undefined) e.memoryMb = memMb;
    if (comm !== undefined) e.program = comm;
    e.pid = pid;
    if (attrs) e.attrs = attrs;
    return { ok: true, event: e };
  }
}

/** ec2.disk JSON Lines: `disk.sample`, resource = mount, bytes = usedBytes, attrs.usedPct rounded to 0.01. */
export class DiskParser implements LineParser {
  readonly format = 'disk' as const;

  parse(line: string, _ctx: ParseContext): ParseResult {
    if (blank(line)) return SKIP_BLANK;
    const d = parseObject(line, 'disk sample');
    if (!d.ok) return d;
    const r = new FieldReader(d.rec, 'disk sample');
    const ts = r.time('ts');
    const host = r.str('host');
    const mount = r.str('mount', true);
    const size = r.num('sizeBytes', true);
    const used = r.num('usedBytes', true);
    const fs = r.str('fs');
    if (r.error || ts === undefined || size === undefined || used === undefined) return { ok: false, error: r.error! };
    const attrs: Record<string, AttrValue> = { sizeBytes: size };
    if (size > 0) attrs.usedPct = Math.round((used / size) * 10000) / 100;
    if (fs !== undefined) attrs.fs = fs;
    const growth = r.num('growthBytesPerSec');
    if (growth !== undefined) attrs.growthBytesPerSec = growth;
    const e: LogEvent = { ts, source: 'ec2.disk', action: SAMPLE_ACTIONS.disk, outcome: 'unknown', raw: line };
    if (host !== undefined) e.host = host;
    e.resource = mount;
    e.bytes = used;
    e.attrs = attrs;
    return { ok: true, event: e };
  }
}
