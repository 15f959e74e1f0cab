import { execFileSync } from 'node:child_process';
import {
  closeSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  renameSync,
  rmSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { validatePolicyObject } from '../policy.ts';
import { anomaly } from '../test-support.ts';
import { createCleanDisk } from './clean-disk.ts';
import { diskUsage } from './usage.ts';
import { findCandidates } from './walk.ts';

const HOUR = 3_600_000;
const KiB = 1024;

/** Writes a file of `kib` KiB whose mtime is `hoursAgo` in the past. */
function put(file: string, kib: number, hoursAgo: number): void {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, Buffer.alloc(kib * KiB, 7));
  const t = (Date.now() - hoursAgo * HOUR) / 1000;
  utimesSync(file, t, t);
}

const cfg = (roots: object[], extra: object = {}) =>
  validatePolicyObject({ playbooks: { 'clean-disk': { mode: 'auto', roots, ...extra } } }, 'test').playbooks[
    'clean-disk'
  ];

describe('findCandidates on a real tree', () => {
  const base = mkdtempSync(path.join(tmpdir(), 'vigil-walk-'));
  afterAll(() => rmSync(base, { recursive: true, force: true }));

  it('never follows a file or directory symlink out of the root, and keeps to patterns and age', () => {
    const root = path.join(base, 'logs');
    const outside = path.join(base, 'outside');
    put(path.join(outside, 'secret.1'), 4, 10);
    put(path.join(root, 'app.log.1'), 4, 10);
    put(path.join(root, 'nested/app.log.2.gz'), 4, 9);
    put(path.join(root, 'app.log'), 4, 10); // live log: no pattern
    put(path.join(root, 'fresh.gz'), 4, 0); // too new
    symlinkSync(path.join(outside, 'secret.1'), path.join(root, 'escape.1'));
    symlinkSync(outside, path.join(root, 'escape-dir'));
    symlinkSync(root, path.join(base, 'root-link'));

    const r = findCandidates([{ path: root, patterns: ['*.1', '*.gz'], minAgeHours: 1, maxDepth: 3 }], null);
    expect(r.candidates.map((c) => path.relative(root, c.path))).toEqual(['app.log.1', 'nested/app.log.2.gz']);
    expect(r.skipped).toMatchObject({ symlink: 2, 'no pattern match': 1, 'too new': 1 });

    const viaLink = findCandidates(
      [{ path: path.join(base, 'root-link'), patterns: ['*'], minAgeHours: 0, maxDepth: 3 }],
      null,
    );
    expect(viaLink.candidates).toEqual([]);
    expect(viaLink.refusedRoots[0]).toMatch(/is a symlink/);
  });
});

const noMount = (() => {
  const probe = mkdtempSync(path.join(tmpdir(), 'vigil-mnt-probe-'));
  try {
    execFileSync('/usr/bin/mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', probe], { stdio: 'ignore' });
    execFileSync('/usr/bin/umount', [probe], { stdio: 'ignore' });
    return null;
  } catch (err) {
    return `cannot mount tmpfs (needs root): ${(err as Error).message.split('\n')[0]}`;
  } finally {
    rmSync(probe, { recursive: true, force: true });
  }
})();
if (noMount) console.warn(`clean-disk filesystem tests skipped: ${noMount}`);

describe.skipIf(noMount)('clean-disk on a real 4 MiB tmpfs', () => {
  let mnt: string;
  let root: string;
  beforeEach(() => {
    mnt = mkdtempSync(path.join(tmpdir(), 'vigil-disk-'));
    execFileSync('/usr/bin/mount', ['-t', 'tmpfs', '-o', 'size=4m', 'tmpfs', mnt]);
    root = path.join(mnt, 'log');
    put(path.join(root, 'old.1'), 600, 50);
    put(path.join(root, 'older.gz'), 600, 60);
    put(path.join(root, 'new.gz'), 600, 5);
    put(path.join(root, 'app.log'), 600, 70); // live log: never matched
    put(path.join(mnt, 'outside/secret.1'), 400, 99);
    symlinkSync(path.join(mnt, 'outside/secret.1'), path.join(root, 'escape.1'));
    symlinkSync(path.join(mnt, 'outside'), path.join(root, 'escape-dir'));
  });
  afterEach(() => {
    execFileSync('/usr/bin/umount', ['-l', mnt]);
    rmSync(mnt, { recursive: true, force: true });
  });
  const disk = () => anomaly({ type: 'disk_fill', targets: { mount: mnt } });
  const roots = () => [{ path: root, patterns: ['*.gz', '*.1'], minAgeHours: 1 }];

  it('dry run reports the bytes it would free and deletes nothing', async () => {
    const pb = createCleanDisk(cfg(roots(), { targetUsedPct: 50, dryRun: true }));
    const planned = await pb.plan(disk());
    if (!planned.ok) throw new Error(planned.reason);
    const exec = await pb.execute(planned.plan);
    expect(exec).toMatchObject({ dryRun: true, ok: true, facts: { files: 2, bytes: 1200 * KiB } });
    expect(exec.detail).toMatch(/^DRY RUN: would free 1228800 bytes/);
    for (const f of ['older.gz', 'old.1', 'new.gz']) expect(existsSync(path.join(root, f))).toBe(true);
  });

  it('deletes oldest first until under target, never outside the root or outside the patterns', async () => {
    const before = diskUsage(mnt).usedPct;
    expect(before).toBeGreaterThan(60); // 2.8 MiB of 4 MiB
    const pb = createCleanDisk(cfg(roots(), { targetUsedPct: 50 }));
    const planned = await pb.plan(disk());
    if (!planned.ok) throw new Error(planned.reason);
    const exec = await pb.execute(planned.plan);
    expect(exec).toMatchObject({ ok: true, dryRun: false, facts: { files: 2 } });
    expect(existsSync(path.join(root, 'older.gz'))).toBe(false);
    expect(existsSync(path.join(root, 'old.1'))).toBe(false);
    expect(existsSync(path.join(root, 'new.gz'))).toBe(true); // target reached: newest kept
    expect(existsSync(path.join(root, 'app.log'))).toBe(true);
    expect(existsSync(path.join(mnt, 'outside/secret.1'))).toBe(true);
    expect(existsSync(path.join(root, 'escape.1'))).toBe(true);
    expect(await pb.verify(planned.plan)).toMatchObject({ ok: true });
  });

  it('skips a file a process holds open, and fails verification when it cannot reach the target', async () => {
    const fd = openSync(path.join(root, 'older.gz'), 'r');
    try {
      const pb = createCleanDisk(cfg(roots(), { targetUsedPct: 5 }));
      const planned = await pb.plan(disk());
      if (!planned.ok) throw new Error(planned.reason);
      const exec = await pb.execute(planned.plan);
      expect(exec.facts).toMatchObject({ files: 2, skipped: JSON.stringify({ 'open by a process': 1 }) });
      expect(existsSync(path.join(root, 'older.gz'))).toBe(true);
      expect((await pb.verify(planned.plan)).ok).toBe(false);
    } finally {
      closeSync(fd);
    }
  });

  it('re-checks right before unlink: a file or parent swapped for a symlink after planning is left alone', async () => {
    const pb = createCleanDisk(cfg([{ path: mnt, patterns: ['*.gz', '*.1'], minAgeHours: 1 }], { targetUsedPct: 5 }));
    const planned = await pb.plan(disk());
    if (!planned.ok) throw new Error(planned.reason);
    // Attacker swaps the planned log directory for a symlink to "outside", and a planned file for a symlink.
    renameSync(root, path.join(mnt, 'moved'));
    symlinkSync(path.join(mnt, 'outside'), root);
    rmSync(path.join(mnt, 'outside/secret.1'));
    symlinkSync(path.join(mnt, 'moved/app.log'), path.join(mnt, 'outside/secret.1'));
    const exec = await pb.execute(planned.plan);
    expect(exec.ok).toBe(false);
    expect(JSON.parse(String(exec.facts?.skipped))).toEqual({
      'parent moved or became a symlink': 3,
      'file replaced': 1,
    });
    for (const f of ['moved/old.1', 'moved/older.gz', 'moved/app.log', 'outside/secret.1']) {
      expect(existsSync(path.join(mnt, f))).toBe(true);
    }
  });

  it('refuses a hostile or unknown mount claim, and a disk already under target', async () => {
    const pb = createCleanDisk(cfg(roots(), { targetUsedPct: 99 }));
    for (const mount of ['/tmp/../etc', 'relative', '/x\n/y', '$(reboot)', '/nonexistent-vigil']) {
      const r = await pb.plan(anomaly({ type: 'disk_fill', targets: { mount } }));
      expect(r).toMatchObject({ ok: false, field: 'evidence.targets.mount' });
    }
    const under = await pb.plan(disk());
    expect(under.ok ? '' : under.reason).toMatch(/already under 99%/);
  });
});
