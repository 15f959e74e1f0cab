import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import pkg from '../../../package.json' with { type: 'json' };
import type { AgentConfig } from './load.ts';

export const AGENT_VERSION: string = pkg.version;

export interface HostIdentity {
  hostname: string;
  instanceId: string;
  instanceType?: string;
  region?: string;
  az?: string;
}

const HOSTNAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,252}$/;

/**
 * Who this agent is. Configured values win; otherwise the hostname, and an instance id derived from /etc/machine-id
 * (stable across reboots, unique per image install). The instance metadata service is not queried.
 */
export function hostIdentity(cfg: AgentConfig): HostIdentity {
  const raw = cfg.host.name ?? os.hostname();
  const hostname = HOSTNAME.test(raw)
    ? raw
    : raw.replace(/[^A-Za-z0-9._-]/g, '-').replace(/^[^A-Za-z0-9]+/, '') || 'unknown-host';
  return {
    hostname,
    instanceId: cfg.host.instanceId ?? machineInstanceId(hostname),
    ...(cfg.host.instanceType ? { instanceType: cfg.host.instanceType } : {}),
    ...(cfg.host.region ? { region: cfg.host.region } : {}),
    ...(cfg.host.az ? { az: cfg.host.az } : {}),
  };
}

function machineInstanceId(hostname: string): string {
  let seed = hostname;
  try {
    seed = readFileSync('/etc/machine-id', 'utf8').trim() || hostname;
  } catch {
    // no machine-id (containers): fall back to the hostname
  }
  return `mid-${createHash('sha256').update(seed).digest('hex').slice(0, 24)}`;
}
