import type { FirewallBackend } from './backend.ts';
import type { ValidIp } from './ip.ts';

/**
 * Changes nothing. Records what it would have done so status and audit can show it, clearly marked as dry-run. Used
 * where neither nft nor ipset is available, or when policy asks for it.
 */
export class DryRunBackend implements FirewallBackend {
  readonly kind = 'dry-run' as const;
  readonly log: string[] = [];
  private readonly until = new Map<string, number>();
  constructor(private readonly clock: () => number = Date.now) {}

  async ensure() {}
  async block(ip: ValidIp, ttlSeconds: number) {
    this.log.push(`would block ${ip.text} for ${ttlSeconds}s`);
    this.until.set(ip.text, this.clock() + ttlSeconds * 1000);
  }
  async unblock(ip: ValidIp) {
    this.log.push(`would unblock ${ip.text}`);
    return this.until.delete(ip.text);
  }
  async isBlocked(ip: ValidIp) {
    return (this.until.get(ip.text) ?? 0) > this.clock();
  }
}
