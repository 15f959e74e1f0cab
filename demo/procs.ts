import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import path from 'node:path';

export const REPO = path.resolve(import.meta.dirname, '..');

/**
 * A child process of the demo: the product's own entry points (bin/vigil.mjs, bin/vigil-agent.mjs) run under this
 * node, their output kept in a log file, and stopped with SIGTERM then SIGKILL so nothing outlives the demo.
 */
export class Child {
  private exit: Promise<number | null>;
  exited = false;

  private constructor(
    readonly name: string,
    readonly proc: ChildProcess,
  ) {
    this.exit = new Promise((resolve) =>
      proc.once('exit', (code) => {
        this.exited = true;
        resolve(code);
      }),
    );
  }

  static start(name: string, args: string[], logFile: string, env: NodeJS.ProcessEnv = {}): Child {
    const log = createWriteStream(logFile, { flags: 'a' });
    const proc = spawn(process.execPath, args, {
      cwd: REPO,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    proc.stdout?.pipe(log);
    proc.stderr?.pipe(log);
    return new Child(name, proc);
  }

  get pid(): number | undefined {
    return this.proc.pid;
  }

  /** Resolves with the exit code, or null if still running after `ms`. */
  waitExit(ms: number): Promise<number | null | 'running'> {
    return Promise.race([this.exit, new Promise<'running'>((r) => setTimeout(() => r('running'), ms).unref())]);
  }

  async stop(graceMs = 10_000): Promise<void> {
    if (this.exited) return;
    this.proc.kill('SIGTERM');
    if ((await this.waitExit(graceMs)) === 'running') {
      this.proc.kill('SIGKILL');
      await this.exit;
    }
  }
}

/** Polls until `probe` returns a truthy value; the error names what was awaited. */
export async function waitUntil<T>(what: string, probe: () => Promise<T | undefined | false>, ms = 30_000): Promise<T> {
  const until = Date.now() + ms;
  let last: unknown;
  while (Date.now() < until) {
    try {
      const v = await probe();
      if (v) return v;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out after ${ms} ms waiting for ${what}${last ? `: ${String(last)}` : ''}`);
}
