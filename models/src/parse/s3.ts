import type { AttrValue, LogEvent, Outcome } from '../schema/event.ts';
import { isIp, uint, uintAt } from './fields.ts';
import { parseClfTime } from './time.ts';
import { fail, type LineParser, type ParseContext, type ParseResult, SKIP_BLANK, show } from './types.ts';

/** Column positions in AWS order (docs/log-contract.md, S3 server access log). */
const F = {
  bucketOwner: 0,
  bucket: 1,
  time: 2,
  remoteIp: 3,
  requester: 4,
  requestId: 5,
  operation: 6,
  key: 7,
  requestUri: 8,
  status: 9,
  errorCode: 10,
  bytesSent: 11,
  objectSize: 12,
  totalTime: 13,
  turnAround: 14,
  referer: 15,
  userAgent: 16,
  versionId: 17,
  hostId: 18,
  signatureVersion: 19,
  cipherSuite: 20,
  authType: 21,
} as const;
/** Fields every S3 access log line has had since the format began; later fields are optional trailing ones. */
const MIN_FIELDS = 17;
const MAX_FIELDS = 40;

/**
 * Split an S3 access log line into fields: space separated, `[...]` for the time and `"..."` for quoted fields (a
 * quote closes only when followed by a space or the end, so a stray `"` inside a user agent does not derail us).
 * Writes each field's [start, end) into the arrays (no string is cut here) and returns the field count, or -1 when a
 * bracket or quote never closes.
 */
export function splitS3(line: string, starts: Int32Array, ends: Int32Array, maxFields = MAX_FIELDS): number {
  let n = 0;
  let i = 0;
  const len = line.length;
  while (i < len && n < maxFields) {
    const c = line.charCodeAt(i);
    if (c === 32) {
      i++;
      continue;
    }
    let end: number;
    if (c === 91) {
      end = line.indexOf(']', i + 1);
      if (end < 0) return -1;
      starts[n] = i + 1;
      ends[n++] = end;
      i = end + 1;
    } else if (c === 34) {
      end = i + 1;
      for (;;) {
        end = line.indexOf('"', end);
        if (end < 0) return -1;
        if (end + 1 === len || line.charCodeAt(end + 1) === 32) break;
        end++;
      }
      starts[n] = i + 1;
      ends[n++] = end;
      i = end + 1;
    } else {
      end = line.indexOf(' ', i);
      if (end < 0) end = len;
      starts[n] = i;
      ends[n++] = end;
      i = end;
    }
  }
  return n;
}

/** Fields of a line split by splitS3, cut on demand. */
export function s3Fields(line: string): string[] | undefined {
  const st = new Int32Array(MAX_FIELDS);
  const en = new Int32Array(MAX_FIELDS);
  const n = splitS3(line, st, en);
  if (n < 0) return undefined;
  return Array.from({ length: n }, (_, k) => line.slice(st[k], en[k]));
}

/** S3 server access logs -> LogEvent as docs/log-contract.md maps them. Old lines without trailing fields are fine. */
export class S3Parser implements LineParser {
  readonly format = 's3' as const;
  private readonly st = new Int32Array(MAX_FIELDS);
  private readonly en = new Int32Array(MAX_FIELDS);

  parse(line: string, _ctx: ParseContext): ParseResult {
    if (line.length === 0 || (line.charCodeAt(0) === 32 && line.trim() === '')) return SKIP_BLANK;
    const st = this.st;
    const en = this.en;
    // fields after authType (host header, TLS, access point, ACL) are not mapped: stop scanning there
    const n = splitS3(line, st, en, F.authType + 1);
    if (n < 0) return fail('bad_field', 'unterminated [time] or quoted field', 'line');
    if (n < MIN_FIELDS) return fail('field_count', `expected at least ${MIN_FIELDS} fields, got ${n}`, 'line');
    const ts = this.time(line);
    if (Number.isNaN(ts)) {
      return fail(
        'bad_time',
        `time ${show(line.slice(st[F.time], en[F.time]))} is not dd/Mon/yyyy:HH:MM:SS +zzzz`,
        'time',
      );
    }
    const operation = this.field(line, F.operation);
    if (operation === undefined) return fail('missing_field', 'operation is empty', 'operation');
    const statusText = this.field(line, F.status);
    const code = statusText === undefined ? 0 : uint(statusText);
    if (statusText !== undefined && (code < 100 || code > 599)) {
      return fail('bad_field', `HTTP status ${show(statusText)} is not 100..599`, 'status');
    }
    const ip = this.field(line, F.remoteIp);
    if (ip !== undefined && !isIp(ip))
      return fail('bad_field', `remote IP ${show(ip)} is not an IP address`, 'remoteIp');
    const bytes = numField(line, st[F.bytesSent], en[F.bytesSent]);
    if (bytes === -2) return fail('bad_field', 'bytes sent is not a number or -', 'bytesSent');
    const total = numField(line, st[F.totalTime], en[F.totalTime]);
    if (total === -2) return fail('bad_field', 'total time is not a number or -', 'totalTime');
    const bucket = this.field(line, F.bucket) ?? '-';
    const key = this.field(line, F.key);
    const outcome: Outcome = statusText === undefined ? 'unknown' : code < 400 ? 'success' : 'failure';
    const resource = key === undefined ? bucket : `${bucket}/${key}`;
    const e: LogEvent = { ts, source: 's3', action: operation, outcome, resource, raw: line };
    const requester = this.field(line, F.requester);
    if (requester !== undefined) e.principal = requester;
    if (ip !== undefined) e.srcIp = ip;
    if (statusText !== undefined) e.status = statusText;
    if (bytes >= 0) e.bytes = bytes;
    if (total >= 0) e.durationMs = total;
    e.attrs = this.attrs(line, n, bucket, key);
    return { ok: true, event: e };
  }

  private attrs(line: string, n: number, bucket: string, key: string | undefined): Record<string, AttrValue> {
    const a: Record<string, AttrValue> = { bucket };
    if (key !== undefined) a.key = key;
    const errorCode = this.field(line, F.errorCode);
    if (errorCode !== undefined) a.errorCode = errorCode;
    const size = numField(line, this.st[F.objectSize], this.en[F.objectSize]);
    if (size >= 0) a.objectSize = size;
    const ua = this.field(line, F.userAgent);
    if (ua !== undefined) a.userAgent = ua;
    const requestId = this.field(line, F.requestId);
    if (requestId !== undefined) a.requestId = requestId;
    const uri = this.field(line, F.requestUri);
    if (uri !== undefined) a.requestUri = uri;
    const auth = n > F.authType ? this.field(line, F.authType) : undefined;
    if (auth !== undefined) a.authType = auth;
    const owner = this.field(line, F.bucketOwner);
    if (owner !== undefined) a.bucketOwner = owner;
    return a;
  }

  /** Field k, or undefined for `-` / empty. */
  private field(line: string, k: number): string | undefined {
    const a = this.st[k];
    const b = this.en[k];
    if (b === a || (b === a + 1 && line.charCodeAt(a) === 45)) return undefined;
    return line.slice(a, b);
  }

  private time(line: string): number {
    const a = this.st[F.time];
    const b = this.en[F.time];
    return parseClfTime(line, a, b);
  }
}

/** Non-negative integer in line[a..b), -1 for `-` or empty, -2 for anything else. */
function numField(line: string, a: number, b: number): number {
  if (b === a || (b === a + 1 && line.charCodeAt(a) === 45)) return -1;
  const n = uintAt(line, a, b);
  return n >= 0 ? n : -2;
}
