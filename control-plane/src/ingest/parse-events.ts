import { createParser, isRecordParser } from '../../../models/src/parse/registry.ts';
import type { LineParser, LogFormat, ParseContext, ParseErrorCode } from '../../../models/src/parse/types.ts';
import type { LogEvent } from '../../../models/src/schema/index.ts';

/** A line the parser refused, with where it came from (log group/stream or bucket/key, and the 1-based position). */
export interface RejectedLine {
  file: string;
  line: number;
  code: ParseErrorCode;
  message: string;
  field?: string;
}

export interface ParsedBatch {
  events: LogEvent[];
  /** The first rejections in full (bounded); `rejectedCount` counts them all. */
  rejected: RejectedLine[];
  rejectedCount: number;
  skipped: number;
}

/** A CloudWatch Logs event as FilterLogEvents and subscription payloads carry it. */
export interface CwEvent {
  timestamp?: number;
  message?: string;
}

const MAX_REJECTED_KEPT = 100;

export const emptyBatch = (): ParsedBatch => ({ events: [], rejected: [], rejectedCount: 0, skipped: 0 });

/** Counts every rejection; keeps the first MAX_REJECTED_KEPT in full so a hostile stream cannot grow memory. */
export function reject(out: ParsedBatch, r: RejectedLine): void {
  out.rejectedCount++;
  if (out.rejected.length < MAX_REJECTED_KEPT) out.rejected.push(r);
}

/**
 * Parses CloudWatch Logs events of one stream. Lambda events are parsed as records (the event's own timestamp, the
 * function from the log group); other formats carry their time in the message itself, so the message is the line.
 */
export function parseCwEvents(
  parser: LineParser,
  events: readonly CwEvent[],
  where: { logGroup: string; logStream: string; firstLine?: number },
  out: ParsedBatch = emptyBatch(),
): ParsedBatch {
  const ctx: ParseContext = { file: `${where.logGroup}/${where.logStream}`, line: 0 };
  const asRecord = parser.format === 'lambda' && isRecordParser(parser);
  for (let i = 0; i < events.length; i++) {
    ctx.line = (where.firstLine ?? 1) + i;
    const ev = events[i];
    const message = typeof ev.message === 'string' ? ev.message : '';
    const res = asRecord
      ? parser.parseRecord({ ...ev, logGroup: where.logGroup, logStream: where.logStream }, message, ctx)
      : parser.parse(message.endsWith('\n') ? message.slice(0, -1) : message, ctx);
    if (res.ok) out.events.push(res.event);
    else if ('skip' in res) out.skipped++;
    else reject(out, { file: ctx.file, line: ctx.line, ...res.error });
  }
  return out;
}

/** Parses newline-separated text (an S3 object) with a fresh parser for `format`. */
export function parseText(format: LogFormat, text: string, file: string, out: ParsedBatch = emptyBatch()): ParsedBatch {
  const parser = createParser(format, { fileName: file });
  const ctx: ParseContext = { file, line: 0 };
  let start = 0;
  while (start <= text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    ctx.line++;
    const raw = text.charCodeAt(end - 1) === 13 ? text.slice(start, end - 1) : text.slice(start, end);
    if (end === text.length && raw === '') break;
    const res = parser.parse(raw, ctx);
    if (res.ok) out.events.push(res.event);
    else if ('skip' in res) out.skipped++;
    else reject(out, { file, line: ctx.line, ...res.error });
    start = end + 1;
  }
  return out;
}
