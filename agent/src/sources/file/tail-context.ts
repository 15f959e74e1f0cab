import type { CheckpointStore } from '../../state/checkpoints.ts';
import type { SourceIssue } from '../source.ts';
import type { LineIssue } from './line-reader.ts';
import type { OpenFile, ReadBatch, ReadOptions } from './open-file.ts';
import type { TrackedPath } from './tracked-path.ts';

export interface TailOptions extends ReadOptions {
  batchMaxLines: number;
  batchMaxBytes: number;
  /** How long a rotated-away file is still read (writers may append until they reopen), then finished. */
  rotateWaitMs: number;
  /** Where to start a file never seen before that existed when the agent started. */
  startAt: 'beginning' | 'end';
}

/** What a TrackedPath needs from the FileSource that owns it. */
export interface TailContext {
  readonly opts: TailOptions;
  readonly store: CheckpointStore;
  now(): number;
  /** Wall-clock start of the source in ns (the filesystem's mtime clock), less a margin for its coarseness. */
  readonly startedNs: bigint;
  /** Room for another batch in the consumer's bounded queue. */
  hasCapacity(): boolean;
  emit(t: TrackedPath, f: OpenFile, batch: ReadBatch): void;
  lineIssues(t: TrackedPath, f: OpenFile, issues: LineIssue[]): void;
  issue(i: Omit<SourceIssue, 'sourceId'> & { sourceId?: string }): void;
  count(counter: string, n?: number): void;
  /** Claim a file identity (dev:inode) so two patterns never read one file; false when another path holds it. */
  claim(identity: string, owner: TrackedPath): boolean;
  release(identity: string, owner: TrackedPath): void;
  isClaimed(identity: string): boolean;
  isStopped(): boolean;
}
