import { closeSync, openSync, readdirSync, readFileSync, readlinkSync, readSync } from 'node:fs';
import path from 'node:path';

export { systemConstants } from './sysconf.ts';

/** The fields of /proc/<pid>/stat an agent needs (proc(5) numbering in comments). */
export interface ProcStat {
  pid: number;
  /** (2) executable name, up to 15 chars, attacker-chosen: may contain spaces and ')'. */
  comm: string;
  /** (3) R, S, D, Z, T, I, ... */
  state: string;
  /** (4) */
  ppid: number;
  /** (9) PF_* flags; PF_KTHREAD marks kernel threads. */
  flags: number;
  /** (14) + (15) user + system time in clock ticks. */
  cpuTicks: number;
  /** (22) start time in clock ticks after boot: with pid, the identity of a process. */
  startTicks: number;
  /** (24) resident set size in pages. */
  rssPages: number;
}

export const PF_KTHREAD = 0x00200000;

/**
 * Parse one /proc/<pid>/stat line. comm is everything between the first '(' and the LAST ')', since a process can
 * name itself `a) R 1 (`; the numeric fields follow the last ')'. Returns null for a malformed line.
 */
export function parseStat(text: string): ProcStat | null {
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  if (open < 1 || close < open) return null;
  const f = text.slice(close + 2).split(' ');
  // f[0] is field (3); field (n) is f[n - 3].
  if (f.length < 22) return null;
  const num = (n: number) => Number(f[n - 3]);
  const stat: ProcStat = {
    pid: Number(text.slice(0, open - 1)),
    comm: text.slice(open + 1, close),
    state: f[0],
    ppid: num(4),
    flags: num(9),
    cpuTicks: num(14) + num(15),
    startTicks: num(22),
    rssPages: num(24),
  };
  // Integers only: the responder identifies processes to signal by exactly these two fields.
  const ok = Number.isSafeInteger(stat.pid) && Number.isSafeInteger(stat.startTicks) && Number.isFinite(stat.cpuTicks);
  return ok ? stat : null;
}

/** Direct reads of procfs. Sync on purpose: procfs is memory-backed, and the sampler bounds how many it does. */
export class ProcFs {
  constructor(readonly root = '/proc') {}

  pids(): number[] {
    const out: number[] = [];
    for (const name of readdirSync(this.root)) {
      const c = name.charCodeAt(0);
      if (c >= 48 && c <= 57) {
        const pid = Number(name);
        if (Number.isInteger(pid)) out.push(pid);
      }
    }
    return out;
  }

  /** Boot time in epoch seconds (`btime` in /proc/stat). */
  bootTimeSec(): number {
    const m = /^btime (\d+)$/m.exec(readFileSync(path.join(this.root, 'stat'), 'latin1'));
    if (!m) throw new Error(`${this.root}/stat has no btime line`);
    return Number(m[1]);
  }

  /** null when the process exited meanwhile. */
  stat(pid: number): ProcStat | null {
    const text = this.read(pid, 'stat');
    return text === null ? null : parseStat(text);
  }

  /** Real uid from the `Uid:` line of status. */
  uid(pid: number): number | null {
    const text = this.read(pid, 'status');
    const m = text === null ? null : /^Uid:\s+(\d+)/m.exec(text);
    return m ? Number(m[1]) : null;
  }

  /** Arguments joined by spaces, read up to maxBytes (a command line can be megabytes). Empty for kernel threads. */
  cmdline(pid: number, maxBytes: number): string | null {
    let fd: number;
    try {
      fd = openSync(path.join(this.root, String(pid), 'cmdline'), 'r');
    } catch {
      return null;
    }
    try {
      const buf = Buffer.allocUnsafe(maxBytes);
      const n = readSync(fd, buf, 0, maxBytes, 0);
      let end = n;
      while (end > 0 && buf[end - 1] === 0) end--;
      for (let i = 0; i < end; i++) if (buf[i] === 0) buf[i] = 32;
      return buf.toString('utf8', 0, end);
    } catch {
      return null;
    } finally {
      closeSync(fd);
    }
  }

  /** Target of the exe link; null when unreadable (another user's process without privilege, kernel thread). */
  exe(pid: number): string | null {
    try {
      return readlinkSync(path.join(this.root, String(pid), 'exe'));
    } catch {
      return null;
    }
  }

  /** Target of the cwd link; null when unreadable. */
  cwd(pid: number): string | null {
    try {
      return readlinkSync(path.join(this.root, String(pid), 'cwd'));
    } catch {
      return null;
    }
  }

  private read(pid: number, file: string): string | null {
    try {
      return readFileSync(path.join(this.root, String(pid), file), 'latin1');
    } catch {
      return null;
    }
  }
}
