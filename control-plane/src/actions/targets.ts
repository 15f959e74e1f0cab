import ipaddr from 'ipaddr.js';

/**
 * Turns an action record's `target` (sent by the agent, ultimately derived from log lines, so attacker-influenced)
 * into typed SSM parameters. Nothing passes unless it parses as exactly what the playbook acts on; the values that
 * leave here are re-serialised from the parsed form, never the raw string.
 */
export type SsmTarget =
  | { playbook: 'block-ip'; params: { ip: string } }
  | { playbook: 'kill-process'; params: { pid: string; startTicks: string } }
  | { playbook: 'clean-disk'; params: { mountPath: string } };

export class TargetError extends Error {
  override name = 'TargetError';
}

const REFUSED_RANGES = new Set(['unspecified', 'loopback', 'multicast', 'broadcast', 'linkLocal']);
const MAX_PID = 4_194_304; // Linux pid_max upper bound

function ip(raw: string): SsmTarget {
  let addr: ipaddr.IPv4 | ipaddr.IPv6;
  if (ipaddr.IPv4.isValidFourPartDecimal(raw)) addr = ipaddr.IPv4.parse(raw);
  else if (ipaddr.IPv6.isValid(raw) && raw.includes(':')) addr = ipaddr.IPv6.parse(raw);
  else throw new TargetError(`block-ip target ${JSON.stringify(raw.slice(0, 64))} is not an IP address`);
  if (addr.kind() === 'ipv6' && (addr as ipaddr.IPv6).isIPv4MappedAddress())
    addr = (addr as ipaddr.IPv6).toIPv4Address();
  if (REFUSED_RANGES.has(addr.range())) throw new TargetError(`block-ip refuses ${addr.range()} address ${addr}`);
  return { playbook: 'block-ip', params: { ip: addr.toString() } };
}

function proc(raw: string): SsmTarget {
  const m = /^(\d{1,7}):(\d{1,15})$/.exec(raw);
  const pid = m ? Number(m[1]) : Number.NaN;
  if (!m || pid < 2 || pid > MAX_PID) {
    throw new TargetError(
      `kill-process target ${JSON.stringify(raw.slice(0, 64))} is not pid:startTicks (pid 2-${MAX_PID})`,
    );
  }
  return { playbook: 'kill-process', params: { pid: String(pid), startTicks: String(Number(m[2])) } };
}

function mount(raw: string, allow: readonly string[]): SsmTarget {
  if (!allow.includes(raw)) {
    throw new TargetError(`clean-disk target ${JSON.stringify(raw.slice(0, 64))} is not an allowed mount path`);
  }
  return { playbook: 'clean-disk', params: { mountPath: raw } };
}

export function ssmTarget(playbook: string, target: string | null, mountAllowlist: readonly string[]): SsmTarget {
  if (!target) throw new TargetError(`action has no target for ${playbook}`);
  if (playbook === 'block-ip') return ip(target);
  if (playbook === 'kill-process') return proc(target);
  if (playbook === 'clean-disk') return mount(target, mountAllowlist);
  throw new TargetError(`playbook ${JSON.stringify(playbook)} cannot run through SSM`);
}
