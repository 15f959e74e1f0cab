import { type Dirent, lstatSync, readdirSync, realpathSync, type Stats } from 'node:fs';
import path from 'node:path';
import { anyGlob } from '../glob.ts';
import type { DiskRootConfig } from '../policy.ts';

export interface Candidate {
  path: string;
  /** realpath of the parent directory at planning time; re-checked before unlink. */
  dirReal: string;
  rootReal: string;
  dev: number;
  ino: number;
  size: number;
  mtimeMs: number;
}

export interface WalkReport {
  candidates: Candidate[];
  skipped: Record<string, number>;
  /** Roots refused as a whole, with the reason (symlinked root, missing). */
  refusedRoots: string[];
}

const MAX_ENTRIES = 200_000;

/**
 * Regular files under the roots that match a root's patterns and age, oldest first. Never follows a symlink: entries
 * are lstat'ed, symlinks are skipped (files and directories alike), directories on another filesystem are not
 * entered, and each candidate's realpath must stay inside its root's realpath. A root that is itself a symlink, or
 * under a symlinked parent, is refused.
 */
export function findCandidates(roots: readonly DiskRootConfig[], dev: number | null, now = Date.now()): WalkReport {
  const report: WalkReport = { candidates: [], skipped: {}, refusedRoots: [] };
  const walk: Walk = { report, seen: new Set(), budget: MAX_ENTRIES };
  for (const root of roots) {
    const rootReal = checkRoot(root.path, report.refusedRoots);
    if (!rootReal) continue;
    const rootDev = lstatSync(rootReal).dev;
    if (dev === null || rootDev === dev) walkRoot(walk, root, rootReal, rootDev, now - root.minAgeHours * 3_600_000);
  }
  if (walk.budget <= 0) skip(report, 'scan budget exhausted');
  report.candidates.sort((a, b) => a.mtimeMs - b.mtimeMs || a.path.localeCompare(b.path));
  return report;
}

interface Walk {
  report: WalkReport;
  seen: Set<string>;
  budget: number;
}

function skip(report: WalkReport, why: string): void {
  report.skipped[why] = (report.skipped[why] ?? 0) + 1;
}

function walkRoot(walk: Walk, root: DiskRootConfig, rootReal: string, rootDev: number, minMtime: number): void {
  const stack: [string, number][] = [[rootReal, 0]];
  while (stack.length > 0 && walk.budget > 0) {
    const [dir, depth] = stack.pop()!;
    for (const entry of list(dir)) {
      if (--walk.budget < 0) return;
      const full = path.join(dir, entry.name);
      const st = lstatOrNull(full);
      if (!st) continue;
      if (st.isDirectory() && !st.isSymbolicLink()) {
        if (st.dev !== rootDev) skip(walk.report, 'other filesystem');
        else if (depth < root.maxDepth) stack.push([full, depth + 1]);
        continue;
      }
      const why = rejectFile(st, entry.name, root, minMtime, walk.seen);
      if (why) {
        skip(walk.report, why);
        continue;
      }
      const real = realOrNull(full);
      if (real === null || !real.startsWith(`${rootReal}/`)) {
        skip(walk.report, 'outside root');
        continue;
      }
      walk.seen.add(`${st.dev}:${st.ino}`);
      walk.report.candidates.push({
        path: full,
        dirReal: path.dirname(real),
        rootReal,
        dev: st.dev,
        ino: st.ino,
        size: st.size,
        mtimeMs: st.mtimeMs,
      });
    }
  }
}

/** Why a non-directory entry is not a candidate, or null. */
function rejectFile(st: Stats, name: string, root: DiskRootConfig, minMtime: number, seen: Set<string>): string | null {
  if (st.isSymbolicLink()) return 'symlink';
  if (!st.isFile()) return 'not a regular file';
  if (!anyGlob(root.patterns, name)) return 'no pattern match';
  if (st.mtimeMs > minMtime) return 'too new';
  if (st.nlink !== 1) return 'hard-linked';
  if (st.size === 0) return 'empty';
  if (seen.has(`${st.dev}:${st.ino}`)) return 'duplicate';
  return null;
}

function checkRoot(root: string, refused: string[]): string | null {
  const st = lstatOrNull(root);
  if (!st) return null; // not present on this host: nothing to clean
  if (st.isSymbolicLink() || !st.isDirectory()) {
    refused.push(`${root}: ${st.isSymbolicLink() ? 'is a symlink' : 'not a directory'}`);
    return null;
  }
  const real = realOrNull(root);
  if (real !== root) {
    refused.push(`${root}: resolves to ${real} through a symlinked parent`);
    return null;
  }
  return real;
}

function list(dir: string): Dirent[] {
  try {
    return readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
}

export function lstatOrNull(p: string) {
  try {
    return lstatSync(p);
  } catch {
    return null;
  }
}

export function realOrNull(p: string): string | null {
  try {
    return realpathSync(p);
  } catch {
    return null;
  }
}
