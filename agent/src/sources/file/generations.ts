import type { Fingerprint } from './fingerprint.ts';
import type { OpenFile } from './open-file.ts';
import { findNewerGenerations, type Sibling, startsWithAny } from './rotation.ts';

const KEEP = 256;

/**
 * Which rotated siblings of one path are generations we still owe the consumer: written at or after the anchor,
 * and neither held open nor already finished (by identity+size, or by first bytes for copies).
 */
export class GenerationLedger {
  /**
   * Rotated siblings last written at or after this may be generations of ours (null until a rotation was seen).
   * It only ever moves back: a generation hidden from one search by a name shift must still qualify in the next.
   */
  private anchorNs: bigint | null;
  private readonly finishedFps: Fingerprint[] = [];
  /** Identity → size of finished files, for those too short to have a fingerprint. */
  private readonly finishedIds = new Map<string, number>();

  constructor(
    anchorNs: bigint | null,
    private readonly isClaimed: (identity: string) => boolean,
  ) {
    this.anchorNs = anchorNs;
  }

  /** Anything rotated after this time may be a generation of ours. */
  lowerAnchor(ns: bigint): void {
    if (this.anchorNs === null || ns < this.anchorNs) this.anchorNs = ns;
  }

  finished(f: OpenFile): void {
    this.finishedIds.set(f.identity, f.size);
    if (this.finishedIds.size > KEEP) this.finishedIds.delete(this.finishedIds.keys().next().value as string);
    this.finishedContent(f.fp);
  }

  /** Content read from a file whose descriptor lives on (a copytruncated live file restarting at 0). */
  finishedContent(fp: Fingerprint): void {
    if (fp.length === 0) return;
    this.finishedFps.push(fp);
    if (this.finishedFps.length > KEEP) this.finishedFps.shift();
  }

  /** Opened missed generations, oldest first; the caller owns (and must adopt or close) their descriptors. */
  async missed(dir: string, base: string, openFps: Fingerprint[]): Promise<Sibling[]> {
    if (this.anchorNs === null) return [];
    return findNewerGenerations(dir, base, this.anchorNs, (s) => this.known(s, openFps));
  }

  private known(s: Sibling, openFps: Fingerprint[]): Promise<boolean> {
    if (this.isClaimed(s.identity) || this.finishedIds.get(s.identity) === s.size) return Promise.resolve(true);
    return startsWithAny(s, [...openFps, ...this.finishedFps]);
  }
}
