import { type ChildProcess, spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Anomaly } from '../../../models/src/schema/index.ts';
import { parseStat } from './process/procfs.ts';

/** Test-only helpers: real processes and anomalies shaped as the detector emits them. */

export function anomaly(partial: Partial<Anomaly> & { targets?: Record<string, string | number> }): Anomaly {
  const { targets, ...rest } = partial;
  return {
    id: `a-${Math.random().toString(36).slice(2, 10)}`,
    type: 'crypto_miner',
    entity: { kind: 'host', id: 'web-1' },
    source: 'ec2.process',
    window: { start: 0, end: 1 },
    score: 0.97,
    threshold: 0.5,
    model: 'xgboost',
    modelVersion: 'test-1',
    severity: 'high',
    evidence: { topFeatures: [{ name: 'cpu', value: 99, contribution: 0.8 }], lines: [], targets },
    detectedAt: Date.now(),
    ...rest,
  };
}

export function startTicksOf(pid: number): number {
  const stat = parseStat(readFileSync(`/proc/${pid}/stat`, 'latin1'));
  if (!stat) throw new Error(`no stat for ${pid}`);
  return stat.startTicks;
}

/** A directory with `xmrig` (a symlink to this node binary, so comm is xmrig) and a CPU-spinning script. */
export class MinerKit {
  readonly dir = mkdtempSync(path.join(tmpdir(), 'vigil-miner-'));
  readonly nodeExe = realpathSync(process.execPath);
  readonly xmrig = path.join(this.dir, 'xmrig');
  readonly script = path.join(this.dir, 'spin.mjs');
  private readonly children: ChildProcess[] = [];

  constructor() {
    chmodSync(this.dir, 0o755);
    symlinkSync(this.nodeExe, this.xmrig);
    writeFileSync(
      this.script,
      `if (process.argv.includes('--ignore-term')) process.on('SIGTERM', () => {});
process.stdout.write('ready\\n');
if (process.argv.includes('--idle')) setInterval(() => {}, 1000);
else for (;;) {}
`,
      { mode: 0o644 },
    );
  }

  /** Starts a miner and resolves once it runs. argv: the script then `--donate-level 1` and flags. */
  async start(opts: { exe?: string; flags?: string[]; uid?: number; miner?: boolean } = {}): Promise<ChildProcess> {
    const args = [this.script, ...(opts.miner === false ? [] : ['--donate-level', '1']), ...(opts.flags ?? [])];
    const child = spawn(opts.exe ?? this.xmrig, args, { stdio: ['ignore', 'pipe', 'ignore'], uid: opts.uid });
    this.children.push(child);
    await new Promise<void>((resolve, reject) => {
      child.once('error', reject);
      child.stdout?.once('data', () => resolve());
    });
    return child;
  }

  cleanup(): void {
    for (const c of this.children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    rmSync(this.dir, { recursive: true, force: true });
  }
}

export function exitOf(child: ChildProcess): Promise<NodeJS.Signals | number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.signalCode ?? child.exitCode);
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve(signal ?? code)));
}
