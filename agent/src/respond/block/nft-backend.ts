import type { CommandRunner } from '../exec/run.ts';
import { type FirewallBackend, FirewallError, SET4, SET6, setFor } from './backend.ts';
import { parseIp, type ValidIp } from './ip.ts';

const TABLE = 'vigil';

/**
 * The whole ruleset, applied in one atomic `nft -f -` transaction. `add` is idempotent for the table, sets and
 * chains; the chains are flushed and refilled in the same transaction, so there is no moment without the drop rules
 * and existing set elements (live blocks) survive an agent restart. Priority -10 runs before the usual filter chains;
 * a drop in any base chain is final in nftables. The forward chain covers containers behind a bridge.
 */
export const NFT_RULESET = `add table inet ${TABLE}
add set inet ${TABLE} ${SET4} { type ipv4_addr; flags timeout; }
add set inet ${TABLE} ${SET6} { type ipv6_addr; flags timeout; }
add chain inet ${TABLE} input { type filter hook input priority -10; policy accept; }
add chain inet ${TABLE} forward { type filter hook forward priority -10; policy accept; }
flush chain inet ${TABLE} input
flush chain inet ${TABLE} forward
add rule inet ${TABLE} input ip saddr @${SET4} drop
add rule inet ${TABLE} input ip6 saddr @${SET6} drop
add rule inet ${TABLE} forward ip saddr @${SET4} drop
add rule inet ${TABLE} forward ip6 saddr @${SET6} drop
`;

/** Re-validates at the last step: only a normalised parseIp result is ever written into an nft command. */
function element(ip: ValidIp): string {
  const again = parseIp(ip.text);
  if (!again.ok || again.ip.text !== ip.text || again.ip.kind !== ip.kind) {
    throw new FirewallError(`refusing unvalidated address ${JSON.stringify(ip.text)}`);
  }
  return ip.text;
}

function ttl(seconds: number): number {
  if (!Number.isSafeInteger(seconds) || seconds < 1) throw new FirewallError(`bad ttl ${seconds}`);
  return seconds;
}

export function nftBackend(runner: CommandRunner, nft: string): FirewallBackend {
  const run = (args: string[], input?: string) => runner.run(nft, args, input);
  const must = async (what: string, args: string[], input?: string) => {
    const r = await run(args, input);
    if (r.code !== 0) throw new FirewallError(`nft ${what} failed (${r.code}): ${r.stderr.trim().slice(0, 300)}`);
  };
  return {
    kind: 'nft',
    ensure: () => must('ruleset', ['-f', '-'], NFT_RULESET),
    async block(ip, ttlSeconds) {
      const set = setFor(ip);
      const e = element(ip);
      // add+delete+add in one transaction: sets a fresh timeout whether or not the address was already there.
      const script = [
        `add element inet ${TABLE} ${set} { ${e} timeout 1s }`,
        `delete element inet ${TABLE} ${set} { ${e} }`,
        `add element inet ${TABLE} ${set} { ${e} timeout ${ttl(ttlSeconds)}s }`,
        '',
      ].join('\n');
      await must('add element', ['-f', '-'], script);
    },
    async unblock(ip) {
      const r = await run(['delete', 'element', 'inet', TABLE, setFor(ip), `{ ${element(ip)} }`]);
      if (r.code === 0) return true;
      if (/No such file or directory/.test(r.stderr)) return false;
      throw new FirewallError(`nft delete element failed (${r.code}): ${r.stderr.trim().slice(0, 300)}`);
    },
    async isBlocked(ip) {
      const r = await run(['get', 'element', 'inet', TABLE, setFor(ip), `{ ${element(ip)} }`]);
      return r.code === 0;
    },
  };
}

export { element as nftElement };
