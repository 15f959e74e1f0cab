import { describe, expect, it } from 'vitest';
import { DiskParser, ProcessParser } from './samples.ts';

const ctx = { file: 't', line: 1 };

describe('process and disk samples', () => {
  it('maps a process sample as the contract says', () => {
    const line =
      '{"ts":"2025-03-01T12:00:00.000Z","host":"web-1","pid":4242,"ppid":1,"user":"www-data","comm":"nginx","exe":"/usr/sbin/nginx","cmdline":"nginx: worker process","startTime":1740830400000,"cpu":1.5,"memMb":42.1,"state":"S"}';
    expect(new ProcessParser().parse(line, ctx)).toEqual({
      ok: true,
      event: {
        ts: Date.UTC(2025, 2, 1, 12),
        source: 'ec2.process',
        host: 'web-1',
        principal: 'www-data',
        action: 'process.sample',
        outcome: 'unknown',
        resource: '/usr/sbin/nginx',
        memoryMb: 42.1,
        program: 'nginx',
        pid: 4242,
        attrs: { ppid: 1, cmdline: 'nginx: worker process', cpu: 1.5, startTime: 1740830400000, state: 'S' },
        raw: line,
      },
    });
  });

  it('maps host load lines', () => {
    const line =
      '{"ts":1740830400000,"host":"web-1","kind":"load","load1":0.4,"load5":0.3,"load15":0.2,"cpus":2,"memUsedPct":41.2}';
    const r = new ProcessParser().parse(line, ctx);
    expect(r).toMatchObject({
      ok: true,
      event: { action: 'host.load', attrs: { load1: 0.4, load5: 0.3, load15: 0.2, cpus: 2, memUsedPct: 41.2 } },
    });
  });

  it('maps a disk sample with usedPct rounded to 0.01', () => {
    const line =
      '{"ts":"2025-03-01T12:00:00Z","host":"web-1","mount":"/","fs":"/dev/nvme0n1p1","sizeBytes":3,"usedBytes":1}';
    expect(new DiskParser().parse(line, ctx)).toMatchObject({
      ok: true,
      event: {
        action: 'disk.sample',
        resource: '/',
        bytes: 1,
        attrs: { sizeBytes: 3, usedPct: 33.33, fs: '/dev/nvme0n1p1' },
      },
    });
  });

  it('names the bad key', () => {
    expect(new ProcessParser().parse('{"ts":"2025-03-01T12:00:00Z","pid":"12"}', ctx)).toMatchObject({
      ok: false,
      error: { code: 'bad_field', field: 'pid' },
    });
    expect(new ProcessParser().parse('{"host":"x","pid":1}', ctx)).toMatchObject({
      error: { code: 'missing_field', field: 'ts' },
    });
    expect(new DiskParser().parse('{"ts":"nope","mount":"/","sizeBytes":1,"usedBytes":1}', ctx)).toMatchObject({
      error: { code: 'bad_time', field: 'ts' },
    });
    expect(new DiskParser().parse('[]', ctx)).toMatchObject({ error: { code: 'bad_json' } });
  });
});
