import type { ValidIp } from './ip.ts';

export type BackendKind = 'nft' | 'ipset' | 'dry-run';

/**
 * A firewall that drops traffic from a source address until a per-element timeout expires. Implementations take only
 * ValidIp values and build argv arrays from them; they never see a string from a log line.
 */
export interface FirewallBackend {
  readonly kind: BackendKind;
  /** Creates the table/sets/rules if missing. Idempotent; called before each block. */
  ensure(): Promise<void>;
  block(ip: ValidIp, ttlSeconds: number): Promise<void>;
  /** Removes the address; false when it was not in the set. */
  unblock(ip: ValidIp): Promise<boolean>;
  isBlocked(ip: ValidIp): Promise<boolean>;
}

export class FirewallError extends Error {
  override name = 'FirewallError';
}

export const SET4 = 'vigil_block4';
export const SET6 = 'vigil_block6';
export const setFor = (ip: ValidIp) => (ip.kind === 'ipv4' ? SET4 : SET6);
