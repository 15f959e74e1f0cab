import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { stringify } from 'yaml';
import { statusRequest } from '../agent/src/status/client.ts';
import type { StatusReport } from '../agent/src/status/report.ts';
import { Child, waitUntil } from './procs.ts';
import type { Sandbox } from './sandbox.ts';

export type FixMode = 'auto' | 'recommend' | 'off';

export interface AgentHostOptions {
  sandbox: Sandbox;
  index: number;
  bundleDir: string;
  fixes: FixMode;
  clock: { speed: number; origin: string };
  controlPlane?: { url: string; enrollmentToken: string; signingKeys: { keyId: string; publicKey: string }[] };
}

/** The agent config a demo host runs with: the product's defaults, pointed into the sandbox and its clock. */
export function agentConfig(o: AgentHostOptions): Record<string, unknown> {
  const sb = o.sandbox;
  return {
    root: sb.root,
    host: {
      name: sb.host,
      instanceId: `i-0de${String(o.index + 1).padStart(14, '0')}`,
      instanceType: 't3.medium',
      region: 'us-east-1',
    },
    state: { dir: sb.stateDir },
    models: { bundleDir: o.bundleDir },
    status: { socket: path.join(sb.root, 'agent.sock') },
    metrics: { listen: '127.0.0.1:0' },
    clock: o.clock,
    sources: {
      files: { startAt: 'beginning', pollIntervalMs: 100, rotateWaitMs: 5000 },
      process: { intervalMs: 1000, cwdUnder: [sb.root] },
      disk: sb.tmpfs ? { intervalMs: 1000, paths: [sb.logDir] } : { enabled: false },
    },
    policy: {
      killSwitchFile: path.join(sb.root, 'disable-actions'),
      blastRadius: { maxActions: 100, windowSeconds: 3600 },
      playbooks: {
        'kill-process': {
          mode: o.fixes,
          cooldownSeconds: 0,
          match: { names: ['xmrig*'], minCpuPercent: 30, cpuSampleMs: 500 },
        },
        'block-ip': {
          mode: o.fixes,
          cooldownSeconds: 0,
          ...(sb.netns ? { backend: 'nft', netns: sb.netns } : { backend: 'dry-run' }),
          ttlSeconds: 3600,
        },
        'clean-disk': {
          mode: sb.tmpfs ? o.fixes : 'off',
          cooldownSeconds: 0,
          targetUsedPct: 60,
          roots: [{ path: sb.logDir, patterns: ['*.1', '*.gz'], minAgeHours: 0, maxDepth: 3 }],
        },
      },
    },
    ...(o.controlPlane
      ? {
          controlPlane: {
            url: o.controlPlane.url,
            enrollmentToken: o.controlPlane.enrollmentToken,
            signingKeys: o.controlPlane.signingKeys,
            bundlePollSeconds: 10,
            pendingPollSeconds: 2,
            drainIntervalMs: 500,
          },
        }
      : {}),
  };
}

/** A real `vigil-agent run` process for one sandbox host. */
export class AgentHost {
  readonly socket: string;
  private constructor(
    readonly child: Child,
    readonly sandbox: Sandbox,
  ) {
    this.socket = path.join(sandbox.root, 'agent.sock');
  }

  static async start(o: AgentHostOptions, logFile: string): Promise<AgentHost> {
    const configFile = path.join(o.sandbox.root, 'agent.yaml');
    writeFileSync(configFile, stringify(agentConfig(o)), { mode: 0o600 });
    const child = Child.start(
      `agent ${o.sandbox.host}`,
      ['bin/vigil-agent.mjs', 'run', '--config', configFile],
      logFile,
    );
    const host = new AgentHost(child, o.sandbox);
    await waitUntil(`the agent on ${o.sandbox.host} to answer on its status socket`, async () => {
      if (child.exited) throw new Error(`the agent exited; see ${logFile}`);
      return host.status();
    });
    return host;
  }

  status(): Promise<StatusReport> {
    return statusRequest(this.socket, { cmd: 'status' }, 5000) as Promise<StatusReport>;
  }
}
