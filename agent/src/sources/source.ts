import type { LogEvent } from '../../../models/src/schema/index.ts';

/** What a Source reads. `file` tails auth/syslog files; `process` and `disk` sample the host. */
export type SourceKind = 'file' | 'process' | 'disk';

/** Log kinds a tailed file can hold; the parser picks its grammar from this. */
export type FileLogKind = 'ec2.auth' | 'ec2.syslog';

/**
 * Consecutive complete lines of one file. The consumer calls `ack()` once it has durably handled every line (e.g.
 * in the same StateDb transaction that spools its results): only acked offsets are checkpointed, so after a crash
 * at most the unacked batches are read again. ack() writes the checkpoint synchronously and is idempotent.
 */
export interface LineBatch {
  type: 'lines';
  /** Checkpoint key of the logical file: `file:<absolute path>` (the same while a rotated copy is drained). */
  sourceId: string;
  kind: FileLogKind;
  /** The path the bytes were read from: the live file, or a rotated sibling such as auth.log.1. */
  path: string;
  /** Lines without their terminator (`\n` or `\r\n`); over-long lines are cut at maxLineBytes. */
  lines: string[];
  /** 1-based line number of lines[0] within the file (restarts at 1 after truncation or rotation). */
  firstLineNo: number;
  startOffset: number;
  /** Byte offset just past the last line: where reading resumes once this batch is acked. */
  endOffset: number;
  ack(): void;
}

/** Events a sampler built itself (process, load, disk samples), already in the LogEvent contract. */
export interface EventBatch {
  type: 'events';
  sourceId: string;
  kind: 'ec2.process' | 'ec2.disk';
  events: LogEvent[];
  ack(): void;
}

export type SourceBatch = LineBatch | EventBatch;

export type IssueCode =
  | 'line_too_long' // cut at maxLineBytes; the cut line is still delivered
  | 'invalid_utf8' // delivered with U+FFFD in place of the bad bytes
  | 'truncated' // file shrank or was replaced under the reader
  | 'rotated_lost' // a rotated file with unread bytes vanished (deleted or compressed) before it was finished
  | 'partial_flushed' // a last line without newline was delivered because its file was rotated away or deleted
  | 'read_error'
  | 'watch_error'
  | 'sample_error'
  | 'sample_skipped';

/** Something the operator must be able to see: nothing is dropped or altered silently. */
export interface SourceIssue {
  sourceId: string;
  code: IssueCode;
  message: string;
  path?: string;
  lineNo?: number;
}

export interface Sink {
  write(batch: SourceBatch): void;
  issue(issue: SourceIssue): void;
}

export interface FileStats {
  sourceId: string;
  path: string;
  kind: FileLogKind;
  dev: string;
  inode: string;
  size: number;
  /** Bytes handed to the consumer (read position at a line boundary). */
  readOffset: number;
  /** Bytes acked and checkpointed. */
  ackedOffset: number;
  /** size - ackedOffset: how far behind the durable position is. */
  lagBytes: number;
  lines: number;
  /** true while a rotated file is being finished. */
  draining: boolean;
}

export interface SamplingStats {
  intervalMs: number;
  samples: number;
  lastMs: number;
  meanMs: number;
  maxMs: number;
  skippedOverlap: number;
  skippedBackpressure: number;
  errors: number;
}

export interface SourceStats {
  id: string;
  kind: SourceKind;
  running: boolean;
  counters: Record<string, number>;
  inFlightBatches: number;
  paused: boolean;
  files?: FileStats[];
  sampling?: SamplingStats;
}

export interface Source {
  readonly id: string;
  readonly kind: SourceKind;
  start(sink: Sink): Promise<void>;
  /** Stops reading; batches already written can still be acked afterwards. Partial lines are not flushed. */
  stop(): Promise<void>;
  stats(): SourceStats;
}
