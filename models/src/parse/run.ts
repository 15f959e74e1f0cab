import type { LogEvent } from '../schema/event.ts';
import { parseFile } from './parse-file.ts';
import { listInputFiles } from './reader/files.ts';
import type { TemplateSink } from './syslog/parser.ts';
import type { LogFormat, ParseError } from './types.ts';

export interface FormatStats {
  lines: number;
  events: number;
  errors: number;
  skipped: number;
}

/** A rejected line: where it is and why. */
export interface ErrorRecord extends ParseError {
  file: string;
  line: number;
  format?: LogFormat;
}

/** lines = events + errors + skipped, always (a "line" is a physical line, or a record of a multi-record document). */
export interface ParseSummary extends FormatStats {
  files: number;
  byFormat: Partial<Record<LogFormat | 'unknown', FormatStats>>;
  errorSamples: ErrorRecord[];
}

export interface EventSink {
  event(e: LogEvent, file: string): void;
  error?(e: ErrorRecord): void;
  /** Called between chunks so a writer can apply backpressure. */
  flush?(): Promise<void>;
}

export interface ParseRunOptions {
  format?: LogFormat;
  year?: number;
  vpcFields?: string;
  templates?: TemplateSink;
  extendedAttrs?: boolean;
  maxLineBytes?: number;
  maxErrorSamples?: number;
  /** Absolute paths not to read (the output files). */
  exclude?: Set<string>;
  /** Compressed bytes read so far, over all files. */
  onProgress?(bytesDone: number, bytesTotal: number): void;
}

export function emptySummary(): ParseSummary {
  return { lines: 0, events: 0, errors: 0, skipped: 0, files: 0, byFormat: {}, errorSamples: [] };
}

/** Parse files and directories (recursively) into events; never throws for bad content, counts everything. */
export async function parsePaths(paths: string[], sink: EventSink, opts: ParseRunOptions = {}): Promise<ParseSummary> {
  const files = await listInputFiles(paths, opts.exclude);
  const summary = emptySummary();
  const total = files.reduce((s, f) => s + f.size, 0);
  let done = 0;
  for (const f of files) {
    await parseFile(f, sink, summary, opts, (b) => opts.onProgress?.(done + b, total));
    done += f.size;
    opts.onProgress?.(done, total);
  }
  return summary;
}
