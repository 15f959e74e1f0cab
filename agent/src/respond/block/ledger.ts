import type { BackendKind } from './backend.ts';

export interface BlockRecord {
  ip: string;
  since: number;
  expiresAt: number;
  backend: BackendKind;
  anomalyId?: string;
}

/**
 * The agent's own record of live blocks: for status, for the concurrency cap and for backends without kernel expiry.
 * The kernel element timeout is the authority for nft and ipset; this ledger expires entries on the same clock.
 */
export class BlockLedger {
  private readonly records = new Map<string, BlockRecord>();
  constructor(private readonly clock: () => number = Date.now) {}

  add(record: BlockRecord): void {
    this.records.set(record.ip, record);
  }
  remove(ip: string): boolean {
    return this.records.delete(ip);
  }
  get(ip: string): BlockRecord | undefined {
    this.sweep();
    return this.records.get(ip);
  }
  active(): BlockRecord[] {
    this.sweep();
    return [...this.records.values()].sort((a, b) => a.expiresAt - b.expiresAt);
  }
  /** Drops expired entries and returns them. */
  sweep(): BlockRecord[] {
    const now = this.clock();
    const expired: BlockRecord[] = [];
    for (const [ip, r] of this.records) {
      if (r.expiresAt <= now) {
        expired.push(r);
        this.records.delete(ip);
      }
    }
    return expired;
  }
  /** For the lead's persistence: restore() takes what snapshot() returned after a restart. */
  snapshot(): BlockRecord[] {
    return this.active();
  }
  restore(records: readonly BlockRecord[]): void {
    for (const r of records) this.records.set(r.ip, { ...r });
    this.sweep();
  }
}
