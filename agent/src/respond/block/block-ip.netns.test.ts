import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveBinary } from '../exec/run.ts';
import { validatePolicyObject } from '../policy.ts';
import { anomaly } from '../test-support.ts';
import type { FirewallBackend } from './backend.ts';
import { createBlockIp } from './block-ip.ts';
import { ipsetBackend } from './ipset-backend.ts';
import { NetnsLab, netnsAvailable } from './netns-lab.ts';
import { nftBackend } from './nft-backend.ts';

const noNetns = netnsAvailable();
const nft = resolveBinary('nft');
const ipset = resolveBinary('ipset');
const iptables = resolveBinary('iptables');

const backends: [string, string | null, (lab: NetnsLab) => FirewallBackend][] = [
  [
    'nft',
    noNetns ?? (nft ? null : 'nft is not installed (apt-get install nftables)'),
    (lab) => nftBackend(lab.runner(), nft!),
  ],
  [
    'ipset',
    noNetns ?? (ipset && iptables ? null : 'ipset/iptables are not installed (apt-get install ipset iptables)'),
    (lab) => ipsetBackend(lab.runner(), { ipset: ipset!, iptables: iptables!, ip6tables: resolveBinary('ip6tables') }),
  ],
];

const config = () =>
  validatePolicyObject({ playbooks: { 'block-ip': { mode: 'auto', ttlSeconds: 2 } } }, 'test').playbooks['block-ip'];

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Probes until the answer is `want` or `ms` passed; returns the last answer. */
async function eventually(lab: NetnsLab, src: string, want: string, ms: number): Promise<string> {
  const end = Date.now() + ms;
  let got = await lab.connect(src);
  while (got !== want && Date.now() < end) {
    await sleep(200);
    got = await lab.connect(src);
  }
  return got;
}

describe.each(backends)('block-ip with the %s backend in a network namespace', (kind, skip, make) => {
  if (skip) console.warn(`block-ip ${kind} test skipped: ${skip}`);
  const lab = new NetnsLab(kind[0]);
  beforeAll(async () => {
    if (!skip) await lab.start();
  });
  afterAll(() => lab.stop());

  it.skipIf(skip)('drops the attacker, spares the SSH peer, and lets traffic flow again after the TTL', async () => {
    const [attacker, sshPeer, bystander] = lab.peerIps;
    const pb = createBlockIp(config(), {
      backend: make(lab),
      procNet: `/proc/${lab.serverPid}/net`,
      localAddresses: () => [lab.hostIp],
    });
    expect(await lab.connect(attacker)).toBe('open');
    expect(await lab.connect(sshPeer, 22, true)).toBe('open'); // an operator's session stays open

    const refused = await pb.plan(anomaly({ type: 'ssh_brute_force', targets: { ip: sshPeer } }));
    expect(refused.ok ? '' : refused.reason).toMatch(/established SSH session/);

    const planned = await pb.plan(anomaly({ type: 'ssh_brute_force', targets: { ip: attacker } }));
    if (!planned.ok) throw new Error(planned.reason);
    const exec = await pb.execute(planned.plan);
    expect(exec).toMatchObject({ ok: true, dryRun: false });
    expect(await pb.verify(planned.plan)).toMatchObject({ ok: true });
    const blockedAt = Date.now();
    expect(await lab.connect(attacker)).toBe('timeout');
    expect(await lab.connect(bystander)).toBe('open');
    expect(pb.status().map((r) => r.ip)).toEqual([attacker]);

    expect(await eventually(lab, attacker, 'open', 6000)).toBe('open');
    expect(Date.now() - blockedAt).toBeGreaterThan(1200); // it was the 2 s element timeout, not a failed block
    expect((await pb.verify(planned.plan)).ok).toBe(false);
  });

  it.skipIf(skip)('blocks IPv6 and unblocks on request', async () => {
    const pb = createBlockIp({ ...config(), ttlSeconds: 60 }, { backend: make(lab), localAddresses: () => [] });
    for (const ip of [lab.peerIp6, lab.peerIps[2]]) {
      const planned = await pb.plan(anomaly({ type: 'port_scan', targets: { ip } }));
      if (!planned.ok) throw new Error(planned.reason);
      expect((await pb.execute(planned.plan)).ok).toBe(true);
      expect(await lab.connect(ip)).toBe('timeout');
      expect(await pb.unblock(ip)).toMatchObject({ ok: true });
      // IPv6 neighbour discovery from the peer was dropped too, so the first SYNs may wait for it to recover.
      expect(await eventually(lab, ip, 'open', 3000)).toBe('open');
    }
    expect(await pb.unblock(lab.peerIps[2])).toMatchObject({ ok: false, detail: /was not blocked/ });
  });
});
