import { closeSync, openSync, readdirSync, readFileSync, readlinkSync, readSync } from 'node:fs';
import { type ProcStat, parseStat } from '../../sources/process/proc.ts';

export { PF_KTHREAD, type ProcStat, parseStat } from '../../sources/process/proc.ts';

/** USER_HZ: the unit of /proc tick fields. It is 100 on every Linux architecture the agent ships for. */
export const CLOCK_TICKS_PER_SECOND = 100;
export const PID_MAX = 4_194_304;

export function readStat(pid: number, proc = '/proc'): ProcStat | null {
  try {
    return parseStat(readFileSync(`${proc}/${pid}/stat`, 'latin1'));
  } catch {
    return null;
  }
}

/** Identity facts read from /proc, never from a log line. */
export interface ProcInfo {
  stat: ProcStat;
  /** Resolved executable path; null for kernel threads and when unreadable. */
  exe: string | null;
  /** argv joined with spaces (NULs replaced), bounded. */
  cmdline: string;
  argv0: string;
  ruid: number;
  euid: number;
}

export function readInfo(pid: number, proc = '/proc'): ProcInfo | null {
  const stat = readStat(pid, proc);
  if (!stat) return null;
  let exe: string | null = null;
  try {
    exe = readlinkSync(`${proc}/${pid}/exe`);
  } catch {
    exe = null;
  }
  let argv: string[] = [];
  let uids: number[] = [];
  try {
    argv = readFileSync(`${proc}/${pid}/cmdline`, 'latin1').slice(0, 16_384).split('\u0000').filter(Boolean);
    const status = readFileSync(`${proc}/${pid}/status`, 'latin1');
    uids = /^Uid:\s+(\d+)\s+(\d+)/m.exec(status)?.slice(1).map(Number) ?? [];
  } catch {
    return null; // exited between reads
  }
  if (uids.length !== 2) return null;
  return { stat, exe, cmdline: argv.join(' '), argv0: argv[0] ?? '', ruid: uids[0], euid: uids[1] };
}

export function listPids(proc = '/proc'): number[] {
  const pids: number[] = [];
  for (const name of readdirSync(proc)) if (/^[1-9][0-9]*$/.test(name)) pids.push(Number(name));
  return pids;
}

/** Boot time in epoch ms (btime, one-second precision). */
export function bootTimeMs(proc = '/proc'): number {
  const m = /^btime (\d+)$/m.exec(readFileSync(`${proc}/stat`, 'latin1'));
  if (!m) throw new Error(`${proc}/stat has no btime line`);
  return Number(m[1]) * 1000;
}

/** uid -> user name from /etc/passwd (read once per call; callers cache per plan). */
export function readUserNames(passwd = '/etc/passwd'): Map<number, string> {
  const names = new Map<number, string>();
  try {
    for (const line of readFileSync(passwd, 'utf8').split('\n')) {
      const [name, , uid] = line.split(':');
      if (name && uid && /^\d+$/.test(uid)) names.set(Number(uid), name);
    }
  } catch {
    // no passwd: users are matched by uid only
  }
  return names;
}

/**
 * A held handle on one process: /proc/<pid>/stat opened once. After that process is reaped, reads through this fd
 * fail with ESRCH even if the pid has been reused, so every read proves it is still the process we verified.
 */
export class ProcessHandle {
  private readonly buf = Buffer.alloc(1024);
  private constructor(
    readonly pid: number,
    private fd: number | null,
  ) {}

  static open(pid: number, proc = '/proc'): ProcessHandle | null {
    try {
      return new ProcessHandle(pid, openSync(`${proc}/${pid}/stat`, 'r'));
    } catch {
      return null;
    }
  }

  /** The current stat of THIS process, or null once it has been reaped. */
  read(): ProcStat | null {
    if (this.fd === null) return null;
    try {
      const n = readSync(this.fd, this.buf, 0, this.buf.length, 0);
      return parseStat(this.buf.toString('latin1', 0, n));
    } catch {
      return null;
    }
  }

  /** Exited: reaped, or a zombie/dead entry that no signal can affect. */
  gone(): boolean {
    const s = this.read();
    return s === null || s.state === 'Z' || s.state === 'X';
  }

  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }
}
