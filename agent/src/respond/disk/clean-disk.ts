import { closeSync, constants, fstatSync, openSync, realpathSync, statSync, unlinkSync } from 'node:fs';
import path from 'node:path';
import type { Anomaly } from '../../../../models/src/schema/index.ts';
import type { CleanDiskConfig } from '../policy.ts';
import { show, targetString } from '../targets.ts';
import type { ExecResult, PlanResult, Playbook, VerifyResult } from '../types.ts';
import { openPaths } from './open-files.ts';
import { bytesToFree, diskUsage } from './usage.ts';
import { type Candidate, findCandidates, lstatOrNull } from './walk.ts';

export interface CleanPlan {
  mount: string;
  dev: number;
  targetPct: number;
  usedPctAtPlan: number;
  needBytes: number;
  /** Oldest first; more than needBytes in total when open files may have to be skipped. */
  files: Candidate[];
}

export interface CleanDiskDeps {
  proc?: string;
}

/**
 * Deletes rotated logs, old temp files and package caches inside the configured roots, oldest first, until the
 * filesystem is back under targetUsedPct. The mount named by the detector only selects which roots to look at;
 * every path deleted was found by walking a configured root.
 *
 * Node has no unlinkat(dirfd), so the last step is unlink(path). Right before it the file is re-checked: the parent's
 * realpath is the one planned (no directory swapped for a symlink), lstat shows the same dev/inode as planned, and an
 * O_NOFOLLOW open + fstat agrees. What remains is the interval between those checks and unlink(2).
 */
export function createCleanDisk(cfg: CleanDiskConfig, deps: CleanDiskDeps = {}): Playbook<CleanPlan> {
  async function plan(anomaly: Anomaly): Promise<PlanResult<CleanPlan>> {
    const field = 'evidence.targets.mount';
    const mount = targetString(anomaly, 'mount');
    if (mount === undefined) return { ok: false, field, reason: `${field} is missing` };
    if (!isCleanAbsolute(mount))
      return { ok: false, field, reason: `${field} is not a normalised absolute path: ${show(mount)}` };
    const st = statOrNull(mount);
    if (!st?.isDirectory())
      return { ok: false, field, reason: `${field} ${show(mount)} is not a directory on this host` };
    const usage = diskUsage(mount);
    if (usage.usedPct <= cfg.targetUsedPct) {
      return { ok: false, reason: `${mount} is at ${usage.usedPct.toFixed(1)}%, already under ${cfg.targetUsedPct}%` };
    }
    const needBytes = bytesToFree(usage, cfg.targetUsedPct);
    const walk = findCandidates(cfg.roots, st.dev);
    const files = pick(walk.candidates, needBytes * 2, cfg.maxFilesPerRun);
    const bytes = files.reduce((n, f) => n + f.size, 0);
    if (files.length === 0) {
      const refused = walk.refusedRoots.length > 0 ? `; refused roots: ${walk.refusedRoots.join('; ')}` : '';
      return { ok: false, reason: `nothing eligible to delete on ${mount}${refused}` };
    }
    const p: CleanPlan = {
      mount,
      dev: st.dev,
      targetPct: cfg.targetUsedPct,
      usedPctAtPlan: usage.usedPct,
      needBytes,
      files,
    };
    return {
      ok: true,
      plan: p,
      targetKey: `dev:${st.dev}`,
      summary: `free ${needBytes} bytes on ${mount} (${usage.usedPct.toFixed(1)}% > ${cfg.targetUsedPct}%) from ${files.length} candidate files, oldest first`,
      facts: {
        mount,
        usedPct: round(usage.usedPct),
        needBytes,
        candidateFiles: files.length,
        candidateBytes: bytes,
        skipped: JSON.stringify(walk.skipped),
      },
    };
  }

  /** One loop for both modes, so a dry run skips the same open and replaced files a real run would. */
  async function execute(p: CleanPlan): Promise<ExecResult> {
    const dry = cfg.dryRun;
    const open = cfg.skipOpenFiles ? openPaths(deps.proc) : new Set<string>();
    const skipped: Record<string, number> = {};
    let freed = 0;
    let count = 0;
    let oldest = '';
    for (const file of p.files) {
      if (freed >= p.needBytes || (!dry && diskUsage(p.mount).usedPct <= p.targetPct)) break;
      const why = open.has(file.path) ? 'open by a process' : recheck(file);
      if (why) {
        skipped[why] = (skipped[why] ?? 0) + 1;
        continue;
      }
      if (!dry) unlinkSync(file.path);
      oldest ||= file.path;
      freed += file.size;
      count++;
    }
    const verb = dry ? 'DRY RUN: would free' : 'freed';
    return {
      ok: count > 0,
      dryRun: dry,
      detail: `${verb} ${freed} bytes in ${count} files on ${p.mount}`,
      facts: { files: count, bytes: freed, oldest, skipped: JSON.stringify(skipped) },
    };
  }

  async function verify(p: CleanPlan): Promise<VerifyResult> {
    const now = diskUsage(p.mount).usedPct;
    const ok = now <= p.targetPct;
    return { ok, detail: `${p.mount} at ${now.toFixed(1)}% (target ${p.targetPct}%)`, facts: { usedPct: round(now) } };
  }

  return {
    name: 'clean-disk',
    appliesTo: (a) => (cfg.anomalyTypes as string[]).includes(a.type) && a.evidence.targets?.mount !== undefined,
    plan,
    execute,
    verify,
  };
}

/** Why the file must not be deleted now, or null when it is still exactly the file planned, inside its root. */
export function recheck(file: Candidate): string | null {
  let dirReal: string;
  try {
    dirReal = realpathSync(path.dirname(file.path));
  } catch {
    return 'parent gone';
  }
  if (dirReal !== file.dirReal || !`${dirReal}/`.startsWith(`${file.rootReal}/`))
    return 'parent moved or became a symlink';
  const st = lstatOrNull(file.path);
  if (!st?.isFile() || st.dev !== file.dev || st.ino !== file.ino || st.nlink !== 1) return 'file replaced';
  let fd: number;
  try {
    fd = openSync(file.path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK | constants.O_NOCTTY);
  } catch {
    return 'file replaced';
  }
  try {
    const fst = fstatSync(fd);
    return fst.dev === file.dev && fst.ino === file.ino ? null : 'file replaced';
  } finally {
    closeSync(fd);
  }
}

function pick(files: Candidate[], bytes: number, maxFiles: number): Candidate[] {
  const out: Candidate[] = [];
  let sum = 0;
  for (const f of files) {
    if (sum >= bytes || out.length >= maxFiles) break;
    out.push(f);
    sum += f.size;
  }
  return out;
}

function isCleanAbsolute(p: string): boolean {
  return p.length <= 1024 && p.startsWith('/') && !/[\u0000-\u001f\u007f]/.test(p) && path.posix.normalize(p) === p;
}

function statOrNull(p: string) {
  try {
    return statSync(p);
  } catch {
    return null;
  }
}

const round = (n: number) => Math.round(n * 100) / 100;
