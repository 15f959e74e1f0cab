/** Runs the real vigil-agent binary (bin/vigil-agent.mjs) as a child process in a temp sandbox. */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import { statusRequest } from '../../../agent/src/status/client.ts';
import type { StatusReport } from '../../../agent/src/status/report.ts';

export const REPO = path.resolve(import.meta.dirname, '../../..');
export const BIN = path.join(REPO, 'bin/vigil-agent.mjs');

export interface Sandbox {
  root: string;
  log: string;
  authLog: string;
  socket: string;
  configFile: string;
}

/** A sandbox root with var/log/auth.log, a state dir and a config; `extra` is merged into the config. */
export function sandbox(bundleDir: string, extra: Record<string, unknown> = {}): Sandbox {
  const root = mkdtempSync(path.join(tmpdir(), 'vga-'));
  const log = path.join(root, 'var/log');
  mkdirSync(log, { recursive: true });
  const authLog = path.join(log, 'auth.log');
  writeFileSync(authLog, '');
  const socket = path.join(root, 'agent.sock');
  const config = {
    root,
    host: { name: 'web-1', instanceId: 'i-0e2e000000000001' },
    state: { dir: path.join(root, 'state') },
    models: { bundleDir },
    status: { socket },
    metrics: { listen: '127.0.0.1:0' },
    sources: {
      files: { startAt: 'beginning', pollIntervalMs: 50, rotateWaitMs: 200 },
      process: { enabled: false },
      disk: { enabled: false },
    },
    pipeline: { decisionIntervalMs: 50 },
    policy: {
      killSwitchFile: path.join(root, 'disable-actions'),
      playbooks: {
        'kill-process': { mode: 'off' },
        'clean-disk': { mode: 'off' },
        'block-ip': { mode: 'auto', backend: 'dry-run', cooldownSeconds: 0, rate: { burst: 100, perHour: 1000 } },
      },
    },
    ...extra,
  };
  const configFile = path.join(root, 'agent.yaml');
  writeFileSync(configFile, stringify(config));
  return { root, log, authLog, socket, configFile };
}

export class AgentProcess {
  readonly stdout: string[] = [];
  private exited: Promise<number | null>;

  private constructor(readonly child: ChildProcess) {
    let buf = '';
    child.stdout?.setEncoding('utf8');
    child.stdout?.on('data', (d: string) => {
      buf += d;
      const lines = buf.split('\n');
      buf = lines.pop() ?? '';
      this.stdout.push(...lines);
    });
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (d: string) => this.stdout.push(`stderr: ${d}`));
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
  }

  static async start(sb: Sandbox, timeoutMs = 20_000): Promise<AgentProcess> {
    const child = spawn(process.execPath, [BIN, 'run', '--config', sb.configFile], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const agent = new AgentProcess(child);
    const until = Date.now() + timeoutMs;
    for (;;) {
      try {
        await statusRequest(sb.socket, { cmd: 'status' }, 2000);
        return agent;
      } catch {
        if (child.exitCode !== null)
          throw new Error(`agent exited with ${child.exitCode}:\n${agent.stdout.join('\n')}`);
        if (Date.now() > until) throw new Error(`agent did not answer on ${sb.socket}:\n${agent.stdout.join('\n')}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  }

  kill(signal: NodeJS.Signals): Promise<number | null> {
    this.child.kill(signal);
    return this.exited;
  }

  get pid(): number {
    return this.child.pid!;
  }
}

/** Runs a vigil-agent CLI command; resolves with exit code and output (never rejects on a non-zero exit). */
export function cli(args: string[], timeoutMs = 30_000): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { timeout: timeoutMs, maxBuffer: 64 << 20 }, (err, stdout, stderr) => {
      const code = err
        ? typeof (err as { code?: unknown }).code === 'number'
          ? (err as { code: number }).code
          : 1
        : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

export async function status(sb: Sandbox): Promise<StatusReport> {
  return (await statusRequest(sb.socket, { cmd: 'status' })) as StatusReport;
}

export async function waitFor<T>(
  what: string,
  fn: () => Promise<T | undefined | false>,
  timeoutMs = 20_000,
): Promise<T> {
  const until = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > until)
      throw new Error(`timed out waiting for ${what}${last ? ` (last error: ${(last as Error).message})` : ''}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export function runWriter(args: Record<string, unknown>): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [path.join(REPO, 'test/agent/support/auth-writer.mjs'), JSON.stringify(args)],
      (err, stdout) => (err ? reject(err) : resolve(stdout.trim())),
    );
  });
}
