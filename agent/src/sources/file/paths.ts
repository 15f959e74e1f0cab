import path from 'node:path';
import type { FileLogKind } from '../source.ts';

export interface PathPattern {
  /** Absolute path as on the host; `*` and `?` are allowed in the last segment only. */
  path: string;
  kind: FileLogKind;
}

/** Debian/Ubuntu (auth.log, syslog) and Amazon Linux/RHEL (secure, messages). */
export const DEFAULT_PATHS: readonly PathPattern[] = [
  { path: '/var/log/auth.log', kind: 'ec2.auth' },
  { path: '/var/log/secure', kind: 'ec2.auth' },
  { path: '/var/log/syslog', kind: 'ec2.syslog' },
  { path: '/var/log/messages', kind: 'ec2.syslog' },
];

/** Names logrotate and rsyslog give rotated files: x.1, x.2.gz, x-20250301, x.old. Never tailed as live files. */
const ROTATED_SUFFIX = /(?:\.\d{1,4}|-\d{8}(?:\d{2})?|\.old)(?:\.(?:gz|bz2|xz|zst|lz4))?$|\.(?:gz|bz2|xz|zst|lz4)$/;

export function isRotatedName(name: string): boolean {
  return ROTATED_SUFFIX.test(name);
}

/** Compressed rotations cannot be resumed at a byte offset. */
export function isCompressedName(name: string): boolean {
  return /\.(?:gz|bz2|xz|zst|lz4)$/.test(name);
}

/**
 * `*` / `?` wildcard match, iterative with one backtrack point: linear in practice and free of the exponential
 * blow-up a naive recursive matcher or a generated regex can hit on hostile names.
 */
export function wildcardMatch(pattern: string, name: string): boolean {
  let p = 0;
  let n = 0;
  let star = -1;
  let mark = 0;
  while (n < name.length) {
    if (p < pattern.length && (pattern[p] === '?' || pattern[p] === name[n])) {
      p++;
      n++;
    } else if (p < pattern.length && pattern[p] === '*') {
      star = p++;
      mark = n;
    } else if (star !== -1) {
      p = star + 1;
      n = ++mark;
    } else {
      return false;
    }
  }
  while (p < pattern.length && pattern[p] === '*') p++;
  return p === pattern.length;
}

export const hasWildcard = (s: string): boolean => /[*?]/.test(s);

/** A configured pattern resolved under the sandbox root: the directory to watch and the name to match in it. */
export interface ResolvedPattern {
  dir: string;
  name: string;
  glob: boolean;
  kind: FileLogKind;
}

/** Checks a configured path: absolute, no `..`, no NUL, wildcards only in the file name. Returns a reason or null. */
export function pathProblem(p: string): string | null {
  if (!p.startsWith('/')) return 'must be an absolute path';
  if (p.includes('\0')) return 'must not contain NUL';
  if (p.split('/').some((seg) => seg === '..' || seg === '.')) return 'must not contain . or .. segments';
  if (hasWildcard(path.posix.dirname(p))) return 'wildcards are allowed in the file name only';
  if (p.endsWith('/')) return 'must name a file, not a directory';
  return null;
}

export function resolvePattern(root: string, pattern: PathPattern): ResolvedPattern {
  const full = path.join(root, pattern.path);
  const name = path.basename(full);
  return { dir: path.dirname(full), name, glob: hasWildcard(name), kind: pattern.kind };
}

/** Which pattern (first wins) claims a file named `name` in `dir`; rotated names only match literal patterns. */
export function kindFor(patterns: readonly ResolvedPattern[], dir: string, name: string): FileLogKind | null {
  for (const p of patterns) {
    if (p.dir !== dir) continue;
    if (!p.glob) {
      if (p.name === name) return p.kind;
    } else if (!isRotatedName(name) && wildcardMatch(p.name, name)) {
      return p.kind;
    }
  }
  return null;
}
