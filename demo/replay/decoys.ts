import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync, statfsSync, symlinkSync, writeSync } from 'node:fs';
import path from 'node:path';

/**
 * The real targets the demo's fixes act on, all inside one host's sandbox. The miner is a CPU burner whose argv[0]
 * and command line look like xmrig (a symlink named xmrig to bash), started with its working directory
 * in the sandbox so only that host's agent samples it. The disk filler writes rotated-log-looking files into the
 * sandbox's own tmpfs.
 */
export class MinerDecoy {
  private child: ChildProcess | undefined;
  exitedAt: number | undefined;

  constructor(private readonly sandbox: string) {}

  get alive(): boolean {
    return this.child !== undefined && this.exitedAt === undefined;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  start(): void {
    if (this.alive) return;
    const dir = path.join(this.sandbox, 'opt/xmrig');
    mkdirSync(dir, { recursive: true });
    const exe = path.join(dir, 'xmrig');
    try {
      symlinkSync('/bin/bash', exe); // execve of the link names the process: comm and argv[0] are "xmrig"
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    // Most of one core in bursts, so the fleet stays usable on a small machine; the pool URL is what miners pass.
    const burn = 'while :; do i=0; while ((i<40000)); do ((i++)); done; sleep 0.03; done';
    const args = ['-c', burn, 'xmrig', '-o', 'stratum+tcp://pool.minexmr.example:4444', '--donate-level=1'];
    this.exitedAt = undefined;
    const child = spawn(exe, args, { cwd: this.sandbox, stdio: 'ignore' });
    child.once('exit', () => {
      this.exitedAt = Date.now();
    });
    this.child = child;
  }

  stop(): void {
    if (this.alive) this.child?.kill('SIGKILL');
  }
}

export class DiskFiller {
  private n = 0;
  readonly dir: string;

  constructor(
    readonly mount: string,
    private readonly chunkBytes = 1 << 20,
  ) {
    this.dir = path.join(mount, 'app');
    mkdirSync(this.dir, { recursive: true });
  }

  usedPct(): number {
    const s = statfsSync(this.mount);
    return s.blocks === 0 ? 0 : (100 * (s.blocks - s.bfree)) / s.blocks;
  }

  /** Writes one closed chunk file (an app dump rotated as `.1`); false when the filesystem is full. */
  writeChunk(): boolean {
    const file = path.join(this.dir, `dump-${String(++this.n).padStart(4, '0')}.log.1`);
    const fd = openSync(file, 'w');
    try {
      writeSync(fd, Buffer.alloc(this.chunkBytes, 0x61));
      return true;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOSPC') return false;
      throw err;
    } finally {
      closeSync(fd);
    }
  }
}
