import ipaddr from 'ipaddr.js';
import { parseAllowCidr } from '../policy.ts';
import { show } from '../targets.ts';

declare const validIp: unique symbol;
/** An address that went through parseIp: normalised text, so only these ever reach a firewall command. */
export type ValidIp = { readonly kind: 'ipv4' | 'ipv6'; readonly text: string; readonly [validIp]: true };

export type IpParse = { ok: true; ip: ValidIp; addr: ipaddr.IPv4 | ipaddr.IPv6 } | { ok: false; reason: string };

/**
 * Strict parse: dotted-quad IPv4 with no leading zeros, hex or short forms; IPv6 without zone ids. IPv4-mapped IPv6
 * becomes the IPv4 address. Anything else (spaces, shell metacharacters, newlines) is rejected.
 */
export function parseIp(value: unknown): IpParse {
  if (typeof value !== 'string' || value.length === 0 || value.length > 45) {
    return { ok: false, reason: `not an IP address: ${show(value)}` };
  }
  let addr: ipaddr.IPv4 | ipaddr.IPv6;
  if (ipaddr.IPv4.isValidFourPartDecimal(value)) addr = ipaddr.IPv4.parse(value);
  else if (!value.includes('%') && /^[0-9a-fA-F:.]+$/.test(value) && ipaddr.IPv6.isValid(value)) {
    const v6 = ipaddr.IPv6.parse(value);
    addr = v6.isIPv4MappedAddress() ? v6.toIPv4Address() : v6;
  } else return { ok: false, reason: `not an IP address: ${show(value)}` };
  const ip = { kind: addr.kind(), text: addr.toString() } as ValidIp;
  return { ok: true, ip, addr };
}

/** Address ranges that are never a remote attacker and must never be blocked. */
const NEVER_BLOCK = new Set(['unspecified', 'broadcast', 'multicast', 'linkLocal', 'loopback', 'reserved']);

/** The reason this address must not be blocked by its range, or null. */
export function unblockableRange(addr: ipaddr.IPv4 | ipaddr.IPv6): string | null {
  const range = addr.range();
  return NEVER_BLOCK.has(range) ? `${range} address` : null;
}

export type Cidr = [ipaddr.IPv4 | ipaddr.IPv6, number];

export function compileCidrs(list: readonly string[]): Cidr[] {
  return list.map((text) => {
    const cidr = parseAllowCidr(text);
    if (!cidr) throw new Error(`not a CIDR: ${text}`); // policy validation already rejected these
    return cidr;
  });
}

export function inCidrs(addr: ipaddr.IPv4 | ipaddr.IPv6, cidrs: readonly Cidr[]): Cidr | undefined {
  return cidrs.find(([net, bits]) => net.kind() === addr.kind() && addr.match(net, bits));
}
