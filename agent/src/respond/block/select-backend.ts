import { type CommandRunner, resolveBinary } from '../exec/run.ts';
import type { BlockIpConfig } from '../policy.ts';
import type { FirewallBackend } from './backend.ts';
import { DryRunBackend } from './dry-run-backend.ts';
import { ipsetBackend } from './ipset-backend.ts';
import { nftBackend } from './nft-backend.ts';

export interface BackendChoice {
  backend: FirewallBackend;
  /** Why this backend was chosen; says so plainly when the agent fell back to dry-run. */
  note: string;
}

/** Picks the backend policy asks for; 'auto' prefers nft, then iptables+ipset, then dry-run. */
export async function selectBackend(
  wanted: BlockIpConfig['backend'],
  runner: CommandRunner,
  find: (name: string) => string | null = resolveBinary,
): Promise<BackendChoice> {
  if (wanted === 'dry-run') return { backend: new DryRunBackend(), note: 'dry-run backend: configured' };
  const nft = find('nft');
  if (nft && (wanted === 'nft' || (await usable(runner, nft, ['list', 'tables'])))) {
    return { backend: nftBackend(runner, nft), note: `nft backend (${nft})` };
  }
  if (wanted === 'nft') throw new Error('block-ip backend nft requested but nft is not installed');
  const ipset = find('ipset');
  const iptables = find('iptables');
  if (ipset && iptables && (wanted === 'ipset' || (await usable(runner, ipset, ['list', '-n'])))) {
    return {
      backend: ipsetBackend(runner, { ipset, iptables, ip6tables: find('ip6tables') }),
      note: `iptables+ipset backend (${ipset})`,
    };
  }
  if (wanted === 'ipset') throw new Error('block-ip backend ipset requested but ipset/iptables are not installed');
  return { backend: new DryRunBackend(), note: 'dry-run backend: neither nft nor iptables+ipset is usable here' };
}

async function usable(runner: CommandRunner, file: string, args: string[]): Promise<boolean> {
  try {
    return (await runner.run(file, args)).code === 0;
  } catch {
    return false;
  }
}
