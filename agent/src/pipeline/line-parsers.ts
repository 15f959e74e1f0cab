import { createParser } from '../../../models/src/parse/registry.ts';
import type { LineParser, ParseContext, ParseErrorCode } from '../../../models/src/parse/types.ts';
import type { LineBatch } from '../sources/source.ts';

/** A line the parser refused, with where it is, so an operator can open the file at that line. */
export interface RejectedLine {
  sourceId: string;
  file: string;
  line: number;
  code: ParseErrorCode;
  message: string;
  field?: string;
}

const MAX_PARSERS = 256;

/**
 * One parser per file path: the syslog year roll-over is per-stream state, and a rotated file being drained must
 * not share it with the new live file. The year comes from the wall clock (the line is being written now).
 */
export class LineParsers {
  private readonly parsers = new Map<string, LineParser>();

  constructor(private readonly now: () => number = Date.now) {}

  for(batch: LineBatch): LineParser {
    let p = this.parsers.get(batch.path);
    if (p) return p;
    if (this.parsers.size >= MAX_PARSERS) this.parsers.delete(this.parsers.keys().next().value!);
    p = createParser('syslog', { syslogSource: batch.kind, referenceTimeMs: this.now() });
    this.parsers.set(batch.path, p);
    return p;
  }
}

/** Reused context object: parse() reads file/line only while it runs. */
export function parseContext(): ParseContext {
  return { file: '', line: 0 };
}
