import type { CommandRunner } from '../exec/run.ts';
import { type FirewallBackend, FirewallError, SET4, SET6, setFor } from './backend.ts';
import type { ValidIp } from './ip.ts';
import { nftElement } from './nft-backend.ts';

export interface IpsetPaths {
  ipset: string;
  iptables: string;
  ip6tables: string | null;
}

/**
 * Fallback for hosts without nft: ipset hash:ip sets with per-element timeouts (the kernel expires them) and one
 * DROP rule per set in INPUT and FORWARD, inserted at the top once.
 */
export function ipsetBackend(runner: CommandRunner, paths: IpsetPaths): FirewallBackend {
  const must = async (file: string, args: string[]) => {
    const r = await runner.run(file, args);
    if (r.code !== 0)
      throw new FirewallError(`${file} ${args[0]} failed (${r.code}): ${r.stderr.trim().slice(0, 300)}`);
    return r;
  };
  const ensureRule = async (tables: string, chain: string, set: string) => {
    const rule = [chain, '-m', 'set', '--match-set', set, 'src', '-j', 'DROP'];
    const present = await runner.run(tables, ['-w', '5', '-C', ...rule]);
    if (present.code !== 0) await must(tables, ['-w', '5', '-I', chain, '1', ...rule.slice(1)]);
  };
  const isBlocked = async (ip: ValidIp) =>
    (await runner.run(paths.ipset, ['test', setFor(ip), nftElement(ip)])).code === 0;
  return {
    kind: 'ipset',
    isBlocked,
    async ensure() {
      await must(paths.ipset, ['create', SET4, 'hash:ip', 'family', 'inet', 'timeout', '0', '-exist']);
      for (const chain of ['INPUT', 'FORWARD']) await ensureRule(paths.iptables, chain, SET4);
      if (!paths.ip6tables) return;
      await must(paths.ipset, ['create', SET6, 'hash:ip', 'family', 'inet6', 'timeout', '0', '-exist']);
      for (const chain of ['INPUT', 'FORWARD']) await ensureRule(paths.ip6tables, chain, SET6);
    },
    async block(ip: ValidIp, ttlSeconds: number) {
      if (ip.kind === 'ipv6' && !paths.ip6tables) throw new FirewallError('no ip6tables: cannot block IPv6');
      if (!Number.isSafeInteger(ttlSeconds) || ttlSeconds < 1) throw new FirewallError(`bad ttl ${ttlSeconds}`);
      // -exist on add refreshes the timeout of an address already in the set.
      await must(paths.ipset, ['add', setFor(ip), nftElement(ip), 'timeout', String(ttlSeconds), '-exist']);
    },
    async unblock(ip) {
      if (!(await isBlocked(ip))) return false;
      await must(paths.ipset, ['del', setFor(ip), nftElement(ip), '-exist']);
      return true;
    },
  };
}
