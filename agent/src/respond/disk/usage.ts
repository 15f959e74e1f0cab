import { statfsSync } from 'node:fs';

export interface DiskUsage {
  sizeBytes: number;
  usedBytes: number;
  availBytes: number;
  /** As df prints it: used / (used + available to unprivileged users), 0..100. */
  usedPct: number;
}

export function diskUsage(path: string): DiskUsage {
  const s = statfsSync(path, { bigint: false });
  const usedBytes = (s.blocks - s.bfree) * s.bsize;
  const availBytes = s.bavail * s.bsize;
  const denom = usedBytes + availBytes;
  return { sizeBytes: s.blocks * s.bsize, usedBytes, availBytes, usedPct: denom === 0 ? 0 : (usedBytes / denom) * 100 };
}

/** Bytes to free so that usage drops to targetPct: used - X <= t * (used + avail), and used + avail is constant. */
export function bytesToFree(u: DiskUsage, targetPct: number): number {
  return Math.max(0, Math.ceil(u.usedBytes - (targetPct / 100) * (u.usedBytes + u.availBytes)));
}
