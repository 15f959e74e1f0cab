import type { Rng } from '../rng.ts';

/** Public-looking IPv4 addresses (no private, shared, loopback, link-local, multicast or reserved ranges). */
export function randomPublicIp(rng: Rng): string {
  for (;;) {
    const a = rng.int(1, 223);
    const b = rng.int(0, 255);
    if (a === 10 || a === 127 || a === 0) continue;
    if (a === 100 && b >= 64 && b < 128) continue;
    if (a === 169 && b === 254) continue;
    if (a === 172 && b >= 16 && b < 32) continue;
    if (a === 192 && (b === 168 || b === 0)) continue;
    if (a === 198 && (b === 18 || b === 19 || b === 51)) continue;
    if (a === 203 && b === 0) continue;
    return `${a}.${b}.${rng.int(0, 255)}.${rng.int(1, 254)}`;
  }
}

/** An address inside a /16 (`base` like '52.216'). */
export function ipIn16(rng: Rng, base: string): string {
  return `${base}.${rng.int(0, 255)}.${rng.int(1, 254)}`;
}

/** A fixed pool of distinct public addresses, excluding `avoid`. */
export function ipPool(rng: Rng, n: number, avoid: Set<string>): string[] {
  const out: string[] = [];
  const seen = new Set(avoid);
  while (out.length < n) {
    const ip = randomPublicIp(rng);
    if (seen.has(ip)) continue;
    seen.add(ip);
    out.push(ip);
  }
  return out;
}

/** Reverse-DNS style name an ISP would give an address (used in sshd's reverse-mapping warnings). */
export function rdnsName(ip: string, rng: Rng): string {
  const dashed = ip.replaceAll('.', '-');
  const isp = rng.pick([
    'static.example-isp.net',
    'dyn.broadband.example.com',
    'hosted.example-dc.net',
    'pool.example.cn',
  ]);
  return `${rng.pick(['', 'host-', 'customer-', 'ip-'])}${dashed}.${isp}`;
}

/** Ephemeral client port (Linux default range). */
export function ephemeralPort(rng: Rng): number {
  return rng.int(32768, 60999);
}
