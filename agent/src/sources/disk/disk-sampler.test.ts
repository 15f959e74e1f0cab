import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LogEventSchema } from '../../../../models/src/schema/index.ts';
import { compileValidator } from '../../../../models/src/schema/validate.ts';
import { DISK_SOURCE_DEFAULTS } from './config.ts';
import { DiskSampler } from './disk-sampler.ts';
import { mountOf, parseMounts } from './mounts.ts';

const validEvent = compileValidator(LogEventSchema);

/** A private 16 MiB tmpfs when we may mount (root, as in CI); else the host's /dev/shm tmpfs. */
let target: string;
let mounted = false;
beforeAll(() => {
  const dir = mkdtempSync(path.join(tmpdir(), 'vigil-disk-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=16m', 'tmpfs', dir], { stdio: 'ignore' });
    mounted = true;
    target = dir;
  } catch {
    console.warn('disk test: cannot mount a tmpfs here (not root); using /dev/shm');
    rmSync(dir, { recursive: true, force: true });
    target = '/dev/shm';
  }
});
afterAll(() => {
  if (mounted) {
    execFileSync('umount', [target]);
    rmSync(target, { recursive: true, force: true });
  }
});

describe('parseMounts', () => {
  it('decodes octal escapes and finds the mount a path lives on', () => {
    const m = parseMounts('/dev/vda / ext4 rw 0 0\n/dev/vdb /data\\040disk xfs rw 0 0\ntmpfs /run tmpfs rw 0 0\n');
    expect(m[1]).toEqual({ device: '/dev/vdb', mountPoint: '/data disk', fsType: 'xfs' });
    expect(mountOf(m, '/data disk/x')?.device).toBe('/dev/vdb');
    expect(mountOf(m, '/data diskette')?.device).toBe('/dev/vda');
    expect(mountOf(m, '/run')?.fsType).toBe('tmpfs');
  });
});

describe('DiskSampler', () => {
  it('reports a temp mount with size, usage and growth rate, as contract events', async () => {
    const s = new DiskSampler({ ...DISK_SOURCE_DEFAULTS, host: 'web-1', paths: [target] });
    const t0 = Date.now();
    const [first] = await s.sample(t0);
    validEvent(first, 'disk event');
    expect(first).toMatchObject({ source: 'ec2.disk', action: 'disk.sample', resource: target, host: 'web-1' });
    expect(first.attrs?.fs).toBe('tmpfs');
    if (mounted) expect(first.attrs?.sizeBytes).toBe(16 * 1024 * 1024);
    expect(first.attrs?.growthBytesPerSec).toBeUndefined();
    const scratch = path.join(target, `vigil-${process.pid}`);
    mkdirSync(scratch, { recursive: true });
    writeFileSync(path.join(scratch, 'fill'), Buffer.alloc(4 * 1024 * 1024, 1));
    try {
      const [second] = await s.sample(t0 + 2000);
      expect((second.bytes ?? 0) - (first.bytes ?? 0)).toBeGreaterThanOrEqual(4 * 1024 * 1024);
      expect(second.attrs?.growthBytesPerSec).toBeGreaterThanOrEqual((4 * 1024 * 1024) / 2);
      const raw = JSON.parse(second.raw);
      expect(Object.keys(raw)).toEqual(['ts', 'host', 'mount', 'fs', 'sizeBytes', 'usedBytes', 'growthBytesPerSec']);
      expect(second.attrs?.usedPct).toBe(Math.round((raw.usedBytes / raw.sizeBytes) * 10000) / 100);
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  });

  it('finds real filesystems on its own, one per device', async () => {
    const s = new DiskSampler({ ...DISK_SOURCE_DEFAULTS });
    const events = await s.sample();
    expect(events.map((e) => e.resource)).toContain('/');
    const devices = events.map((e) => e.attrs?.fs);
    expect(new Set(devices).size).toBe(devices.length);
  });
});
