import type { LogEvent, LogSource } from '../schema/event.ts';

/**
 * Native formats the parsers read. `syslog` covers every syslog header variant line by line (RFC 3164, RFC 5424,
 * rsyslog ISO timestamps, journald `short`/`short-iso`/`short-precise` and `-o json`).
 */
export const LOG_FORMATS = ['syslog', 'process', 'disk', 'lambda', 's3', 'vpc', 'cloudtrail'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

export function isLogFormat(value: string): value is LogFormat {
  return (LOG_FORMATS as readonly string[]).includes(value);
}

/** Where a line came from; errors carry it so a user can open the file at that line. */
export interface ParseContext {
  file: string;
  /** 1-based line number (or record number inside a delivered CloudTrail file). */
  line: number;
}

export const PARSE_ERROR_CODES = [
  'bad_header', // syslog header / timestamp not recognised
  'bad_time', // a time field that does not parse or is out of range
  'bad_field', // a field with the wrong shape (names the field)
  'field_count', // too few fields for the format
  'bad_json', // JSON that does not parse or is not an object
  'missing_field', // a required field is absent
  'line_too_long', // over the reader's line cap
  'invalid_utf8',
  'binary', // NUL bytes
  'unsupported', // a line that belongs to no shape the format knows, or a file whose format is unknown
  'unreadable', // the file could not be opened or decompressed
] as const;
export type ParseErrorCode = (typeof PARSE_ERROR_CODES)[number];

export interface ParseError {
  code: ParseErrorCode;
  message: string;
  /** The field or key at fault, when one is. */
  field?: string;
}

/** Lines that carry no event but are legitimately present (blank lines, VPC header, journald `-- Reboot --`). */
export type SkipReason = 'blank' | 'header' | 'comment';

export type ParseResult =
  | { ok: true; event: LogEvent }
  | { ok: false; error: ParseError }
  | { ok: false; skip: SkipReason };

/**
 * One parser instance reads one stream (one file) in order: syslog year roll-over, the VPC header's field list and
 * Lambda's carried-forward time are per-stream state. Parsing never throws; bad input comes back as an error result.
 */
export interface LineParser {
  readonly format: LogFormat;
  parse(line: string, ctx: ParseContext): ParseResult;
}

/** Parsers of JSON formats also accept an already-decoded record (delivered CloudTrail files, envelopes). */
export interface RecordParser extends LineParser {
  parseRecord(record: unknown, raw: string, ctx: ParseContext): ParseResult;
}

export interface ParserOptions {
  /** Syslog year when the timestamp has none (RFC 3164, journald short). */
  year?: number;
  /** Reference time (epoch ms) used to guess the syslog year when `year` is absent: usually the file's mtime. */
  referenceTimeMs?: number;
  /** Force the syslog source; default: from the file name, else from the program. */
  syslogSource?: Extract<LogSource, 'ec2.auth' | 'ec2.syslog'>;
  /** File name (basename is used) for per-file defaults, e.g. the Lambda function name of `lambda/<fn>.jsonl`. */
  fileName?: string;
  /** VPC custom format field list (space separated) when the file carries no header line. */
  vpcFields?: string;
}

export function fail(code: ParseErrorCode, message: string, field?: string): ParseResult {
  return field === undefined ? { ok: false, error: { code, message } } : { ok: false, error: { code, message, field } };
}

export const SKIP_BLANK: ParseResult = { ok: false, skip: 'blank' };
export const SKIP_HEADER: ParseResult = { ok: false, skip: 'header' };
export const SKIP_COMMENT: ParseResult = { ok: false, skip: 'comment' };

/**
 * A value from a log line as it may appear in an error message: JSON-quoted (control characters escaped, so a
 * terminal showing the message cannot be driven by escape sequences in the log) and cut to 64 characters.
 */
export function show(v: string): string {
  return JSON.stringify(v.length > 64 ? `${v.slice(0, 64)}...` : v).replace(
    /[\u007f-\u009f]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}
