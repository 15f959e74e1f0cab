import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';

/**
 * One demo host's sandbox: its own root with var/log on a small tmpfs (so "disk full" is a real statfs reading and
 * clean-disk deletes real files), and its own network namespace for the nftables blocks. Both need root; without it
 * the disk part is skipped and block-ip runs on the dry-run backend, and the demo says so.
 */
export interface Sandbox {
  host: string;
  root: string;
  logDir: string;
  stateDir: string;
  /** Set when var/log is a tmpfs of its own. */
  tmpfs: boolean;
  /** The network namespace blocks go into; undefined = dry-run. */
  netns: string | undefined;
  notes: string[];
}

const IP = '/usr/sbin/ip';

export function createSandbox(base: string, host: string, index: number, tmpfsBytes: number): Sandbox {
  const root = path.join(base, host);
  const logDir = path.join(root, 'var/log');
  const stateDir = path.join(root, 'state');
  for (const d of [logDir, stateDir]) mkdirSync(d, { recursive: true });
  const notes: string[] = [];
  const tmpfs = tryRun('mount', ['-t', 'tmpfs', '-o', `size=${tmpfsBytes},mode=0755`, `vigil-demo-${index}`, logDir]);
  if (!tmpfs) notes.push('disk: no tmpfs (needs root and mount permission): the disk-fill scenario is skipped');
  const ns = `vigil-demo-${process.pid}-${index}`;
  const netns = tryRun(IP, ['netns', 'add', ns]) ? ns : undefined;
  if (!netns) notes.push('block-ip: no network namespace (needs root and iproute2): blocks are DRY-RUN');
  return { host, root, logDir, stateDir, tmpfs, netns, notes };
}

export function destroySandbox(sb: Sandbox, keepFiles: boolean): void {
  if (sb.tmpfs) tryRun('umount', ['-l', sb.logDir]);
  if (sb.netns) tryRun(IP, ['netns', 'del', sb.netns]);
  if (!keepFiles) rmSync(sb.root, { recursive: true, force: true });
}

function tryRun(file: string, args: string[]): boolean {
  try {
    execFileSync(file, args, { stdio: 'ignore', timeout: 10_000 });
    return true;
  } catch {
    return false;
  }
}
