import type { AttrValue, LogEvent } from '../schema/event.ts';
import { asObject } from './json-record.ts';
import { classifyLambdaMessage } from './lambda-message.ts';
import { scanIso, type TimeScan } from './time.ts';
import { fail, type ParseContext, type ParseResult, type RecordParser, SKIP_BLANK } from './types.ts';

const iso: TimeScan = { ms: 0, end: 0 };

/** `/aws/lambda/my-fn` -> `my-fn`; other group names are kept whole. */
export function functionFromLogGroup(group: string): string {
  return group.startsWith('/aws/lambda/') ? group.slice(12) : group;
}

/** `lambda/<function>.jsonl` -> `<function>` (the generator's layout), else undefined. */
export function functionFromFileName(fileName: string | undefined): string | undefined {
  if (!fileName) return undefined;
  const base = fileName.slice(fileName.lastIndexOf('/') + 1);
  const dot = base.indexOf('.');
  const name = dot > 0 ? base.slice(0, dot) : base;
  return name === '' ? undefined : name;
}

/**
 * Lambda logs from CloudWatch Logs: JSON events (FilterLogEvents / GetLogEvents / subscription `logEvents` items),
 * `aws logs tail` text (`<ISO> <stream> <message>`) and bare messages. A bare message without a time of its own
 * (START/END/REPORT) takes the previous line's time, else the file's time, and says so in attrs.tsFrom.
 */
export class LambdaParser implements RecordParser {
  readonly format = 'lambda' as const;
  private lastTs: number | undefined;
  private readonly defaultFunction: string | undefined;

  constructor(
    fileName?: string,
    private readonly referenceTimeMs?: number,
  ) {
    this.defaultFunction = functionFromFileName(fileName);
  }

  parse(line: string, ctx: ParseContext): ParseResult {
    const c0 = line.charCodeAt(0);
    if (line.length === 0 || ((c0 === 32 || c0 === 9) && line.trim() === '')) return SKIP_BLANK;
    if (c0 === 123 && line.includes('"message"')) {
      let v: unknown;
      try {
        v = JSON.parse(line);
      } catch (e) {
        return fail('bad_json', `CloudWatch Logs event does not parse: ${(e as Error).message}`);
      }
      return this.parseRecord(v, line, ctx);
    }
    return this.parseText(line);
  }

  /** One CloudWatch Logs event object; `logGroup`/`logStream` may come from an enclosing subscription envelope. */
  parseRecord(record: unknown, raw: string, _ctx: ParseContext): ParseResult {
    const d = asObject(record, 'CloudWatch Logs event');
    if (!d.ok) return d;
    const r = d.rec;
    const message = r.message;
    if (typeof message !== 'string') return fail('missing_field', "'message' must be a string", 'message');
    const ts = r.timestamp;
    if (typeof ts !== 'number' || !Number.isFinite(ts) || ts < 0) {
      return fail('bad_time', "'timestamp' must be epoch milliseconds", 'timestamp');
    }
    const group = str(r.logGroupName) ?? str(r.logGroup);
    const stream = str(r.logStreamName) ?? str(r.logStream);
    this.lastTs = ts;
    return { ok: true, event: this.build(ts, message, raw, group, stream) };
  }

  private parseText(line: string): ParseResult {
    let ts = Number.NaN;
    let stream: string | undefined;
    let message = line;
    if (scanIso(line, 0, iso) && line.charCodeAt(iso.end) === 32) {
      // `aws logs tail`: "<ISO> <stream> <message>" (the stream looks like 2025/03/01/[$LATEST]<hex>)
      const t = iso.ms;
      const sp = line.indexOf(' ', iso.end + 1);
      const tok = line.slice(iso.end + 1, sp < 0 ? undefined : sp);
      if (tok.includes('[') && tok.includes('/')) {
        ts = t;
        stream = tok;
        message = sp < 0 ? '' : line.slice(sp + 1);
      } else {
        ts = t;
        message = line.slice(iso.end + 1);
      }
    }
    const ev = this.build(ts, message, line, undefined, stream);
    if (Number.isNaN(ev.ts)) {
      const fallback = this.lastTs ?? this.referenceTimeMs;
      if (fallback === undefined) return fail('bad_time', 'line has no timestamp and none came before it', 'timestamp');
      ev.ts = fallback;
      ev.attrs = { ...ev.attrs, tsFrom: this.lastTs !== undefined ? 'previous' : 'file' };
    } else this.lastTs = ev.ts;
    return { ok: true, event: ev };
  }

  private build(ts: number, text: string, raw: string, group?: string, stream?: string): LogEvent {
    const m = classifyLambdaMessage(text);
    const time = Number.isNaN(ts) ? m.ts : ts;
    const e: LogEvent = { ts: time, source: 'lambda', action: m.action, outcome: m.outcome, raw };
    const fn = group !== undefined ? functionFromLogGroup(group) : this.defaultFunction;
    if (fn !== undefined) e.resource = fn;
    if (m.durationMs !== undefined) e.durationMs = m.durationMs;
    if (m.memoryMb !== undefined) e.memoryMb = m.memoryMb;
    if (m.memoryLimitMb !== undefined) e.memoryLimitMb = m.memoryLimitMb;
    e.message = m.message;
    const attrs: Record<string, AttrValue> = m.attrs;
    if (stream !== undefined) attrs.logStream = stream;
    for (const _ in attrs) {
      e.attrs = attrs;
      break;
    }
    return e;
  }
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}
