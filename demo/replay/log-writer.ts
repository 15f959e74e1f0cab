import { appendFileSync, existsSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { LogFile } from './scenario.ts';
import { syslogStamp } from './syslog-time.ts';

/**
 * Appends to a host's /var/log files and rotates them the way logrotate's default `create` mode does: the live file
 * is renamed to .1 (older ones shift up, the oldest is dropped) and a new empty file is created, so the agent must
 * follow a rename and drain the old inode.
 */
export class LogWriter {
  /** `lost`: lines the full disk refused, as a real host loses them. */
  readonly counts = { lines: 0, rotations: 0, lost: 0 };
  private readonly lastRotation = new Map<LogFile, number>();

  constructor(
    private readonly logDir: string,
    private readonly opts: { rotateEveryMs: number; keep: number },
  ) {
    for (const f of ['auth.log', 'syslog'] as const) {
      if (!existsSync(this.file(f))) writeFileSync(this.file(f), '');
    }
  }

  append(file: LogFile, ts: number, rest: string): void {
    const last = this.lastRotation.get(file);
    if (last === undefined) this.lastRotation.set(file, ts);
    else if (ts - last >= this.opts.rotateEveryMs) this.rotate(file, ts);
    try {
      appendFileSync(this.file(file), `${syslogStamp(ts)} ${rest}\n`);
      this.counts.lines++;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err;
      this.counts.lost++;
    }
  }

  private rotate(file: LogFile, ts: number): void {
    for (let i = this.opts.keep - 1; i >= 1; i--) {
      const from = `${this.file(file)}.${i}`;
      if (existsSync(from)) renameSync(from, `${this.file(file)}.${i + 1}`);
    }
    renameSync(this.file(file), `${this.file(file)}.1`);
    writeFileSync(this.file(file), '');
    this.lastRotation.set(file, ts);
    this.counts.rotations++;
  }

  private file(f: LogFile): string {
    return path.join(this.logDir, f);
  }
}
