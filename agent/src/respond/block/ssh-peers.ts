import { readFileSync } from 'node:fs';
import { parseIp } from './ip.ts';

const ESTABLISHED = '01';

/**
 * Remote addresses with an established TCP connection to one of the local ports, from /proc/net/tcp and tcp6.
 * A daemon has no SSH_CONNECTION of its own, so this is how the agent knows who is logged in right now: it must never
 * cut off the operator's session. Addresses are hex, each 32-bit word in host (little-endian) order.
 */
export function establishedPeers(localPorts: readonly number[], procNet = '/proc/net'): Set<string> {
  const peers = new Set<string>();
  for (const file of ['tcp', 'tcp6']) {
    let text: string;
    try {
      text = readFileSync(`${procNet}/${file}`, 'latin1');
    } catch {
      continue; // no IPv6 on this host
    }
    for (const peer of parseProcNetTcp(text, localPorts)) peers.add(peer);
  }
  const fromEnv = process.env.SSH_CONNECTION?.split(' ')[0];
  const envPeer = fromEnv ? parseIp(fromEnv) : null;
  if (envPeer?.ok) peers.add(envPeer.ip.text);
  return peers;
}

export function parseProcNetTcp(text: string, localPorts: readonly number[]): string[] {
  const out: string[] = [];
  for (const line of text.split('\n').slice(1)) {
    const f = line.trim().split(/\s+/);
    if (f.length < 4 || f[3] !== ESTABLISHED) continue;
    const [, localPort] = f[1].split(':');
    if (!localPorts.includes(Number.parseInt(localPort, 16))) continue;
    const ip = hexToIp(f[2].split(':')[0]);
    if (ip) out.push(ip);
  }
  return out;
}

function hexToIp(hex: string): string | null {
  if (!/^[0-9A-Fa-f]{8}$|^[0-9A-Fa-f]{32}$/.test(hex)) return null;
  const bytes: number[] = [];
  for (let w = 0; w < hex.length; w += 8) {
    const word = hex.slice(w, w + 8);
    for (let b = 6; b >= 0; b -= 2) bytes.push(Number.parseInt(word.slice(b, b + 2), 16));
  }
  const text =
    bytes.length === 4
      ? bytes.join('.')
      : Array.from({ length: 8 }, (_, i) => ((bytes[2 * i] << 8) | bytes[2 * i + 1]).toString(16)).join(':');
  const parsed = parseIp(text);
  return parsed.ok ? parsed.ip.text : null;
}
