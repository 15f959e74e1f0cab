import { LAMBDA_ACTIONS as L } from '../schema/actions.ts';
import type { AttrValue, Outcome } from '../schema/event.ts';
import { decimal } from './fields.ts';
import { scanIso, type TimeScan } from './time.ts';

/** What one Lambda log message means (docs/log-contract.md, lambda). */
export interface LambdaMessage {
  action: string;
  outcome: Outcome;
  /** The text that goes to LogEvent.message (for level lines: the text after the level). */
  message: string;
  /** A time the message itself carries (`<ISO>\t<id>\tINFO\t...`), NaN otherwise. */
  ts: number;
  durationMs?: number;
  memoryMb?: number;
  memoryLimitMb?: number;
  attrs: Record<string, AttrValue>;
}

const LEVELS = new Set(['INFO', 'WARN', 'WARNING', 'DEBUG', 'TRACE', 'ERROR', 'FATAL']);
const iso: TimeScan = { ms: 0, end: 0 };

/** Classify the text of one CloudWatch Logs event from a Lambda function. */
export function classifyLambdaMessage(raw: string): LambdaMessage {
  const text = trimEol(raw);
  const m: LambdaMessage = { action: L.log, outcome: 'unknown', message: text, ts: Number.NaN, attrs: {} };
  if (text.startsWith('START RequestId: ')) return start(m, text);
  if (text.startsWith('END RequestId: ')) {
    m.action = L.end;
    m.attrs.requestId = word(text, 15);
    return m;
  }
  if (text.startsWith('REPORT RequestId: ')) return report(m, text);
  if (text.charCodeAt(0) === 123) return structured(m, text);
  levelLine(m, text);
  if (m.action === L.log || m.action === L.error) refine(m, text);
  if (m.attrs.requestId === undefined) {
    // runtime errors: "RequestId: <id> Error: Runtime exited ...", "RequestId: <id> Process exited ..."
    const at = text.indexOf('RequestId: ');
    if (at >= 0) {
      const id = word(text, at + 11);
      if (id !== '') m.attrs.requestId = id;
    }
  }
  return m;
}

function trimEol(s: string): string {
  let e = s.length;
  while (e > 0 && (s.charCodeAt(e - 1) === 10 || s.charCodeAt(e - 1) === 13)) e--;
  return e === s.length ? s : s.slice(0, e);
}

function word(s: string, i: number): string {
  let e = i;
  while (e < s.length && s.charCodeAt(e) > 32) e++;
  return s.slice(i, e);
}

function start(m: LambdaMessage, text: string): LambdaMessage {
  m.action = L.start;
  m.attrs.requestId = word(text, 17);
  const v = text.indexOf('Version: ');
  if (v > 0) m.attrs.version = word(text, v + 9);
  return m;
}

/** Value after `label:` in a REPORT line, where fields are separated by tabs or runs of spaces. */
function reportValue(text: string, label: string): string | undefined {
  let at = -1;
  for (let from = 0; ; ) {
    at = text.indexOf(`${label}:`, from);
    if (at < 0) return undefined;
    const prev = text.charCodeAt(at - 1);
    // "Duration:" must not match inside "Billed Duration:" / "Init Duration:"
    if (
      at === 0 ||
      ((prev === 9 || prev === 32) && !/(Billed|Init|Restore) $/.test(text.slice(Math.max(0, at - 8), at)))
    ) {
      break;
    }
    from = at + 1;
  }
  let i = at + label.length + 1;
  while (text.charCodeAt(i) === 32) i++;
  return word(text, i);
}

function report(m: LambdaMessage, text: string): LambdaMessage {
  m.action = L.report;
  m.outcome = 'success';
  m.attrs.requestId = word(text, 18);
  const num = (label: string) => {
    const v = reportValue(text, label);
    return v === undefined ? undefined : decimal(v);
  };
  const duration = num('Duration');
  const billed = num('Billed Duration');
  const size = num('Memory Size');
  const used = num('Max Memory Used');
  const init = num('Init Duration');
  if (duration !== undefined && !Number.isNaN(duration)) m.durationMs = duration;
  if (size !== undefined && !Number.isNaN(size)) m.memoryLimitMb = size;
  if (used !== undefined && !Number.isNaN(used)) m.memoryMb = used;
  if (billed !== undefined && !Number.isNaN(billed)) m.attrs.billedMs = billed;
  if (init !== undefined && !Number.isNaN(init)) m.attrs.initMs = init;
  const status = reportValue(text, 'Status');
  if (status === 'timeout' || status === 'error') m.outcome = 'failure';
  const errorType = reportValue(text, 'Error Type');
  if (errorType === 'Runtime.OutOfMemory' || (used !== undefined && size !== undefined && used >= size && size > 0)) {
    m.action = L.outOfMemory;
    m.outcome = 'failure';
  }
  return m;
}

/**
 * `<ISO>\t<requestId>\t<LEVEL>\t<msg>` (Node/Java/.NET runtimes) and `[LEVEL]\t<ISO>\t<requestId>\t<msg>` (Python).
 * Sets level, requestId, the message after the level, and the time the line carries.
 */
function levelLine(m: LambdaMessage, text: string): void {
  let i = 0;
  let level: string | undefined;
  if (text.charCodeAt(0) === 91) {
    const close = text.indexOf(']');
    const lv = close > 1 ? text.slice(1, close) : '';
    if (!LEVELS.has(lv)) return;
    level = lv;
    i = close + 1;
    while (text.charCodeAt(i) === 9 || text.charCodeAt(i) === 32) i++;
  }
  if (!scanIso(text, i, iso)) {
    if (level !== undefined) setLevel(m, level, text.slice(i));
    return;
  }
  m.ts = iso.ms;
  const rest = text.slice(iso.end + 1);
  if (text.charCodeAt(iso.end) === 32 || rest.indexOf('\t') < 0) {
    // "<ISO> <requestId> Task timed out after ..." (runtime messages use spaces): the text stays the message
    const id = word(rest, 0);
    if (REQUEST_ID.test(id)) m.attrs.requestId = id;
    if (level !== undefined) setLevel(m, level, rest.slice(id.length).trimStart());
    return;
  }
  const parts = rest.split('\t');
  m.attrs.requestId = parts[0].trim();
  if (level === undefined && parts.length >= 3 && LEVELS.has(parts[1])) {
    setLevel(m, parts[1], parts.slice(2).join('\t'));
  } else if (level !== undefined) setLevel(m, level, parts.slice(1).join('\t'));
}

/** Lambda request ids are UUIDs (AWS docs mask some as `xmpl`): hex/letters and dashes, 8+ characters. */
const REQUEST_ID = /^[0-9a-zA-Z]{8}(?:-[0-9a-zA-Z]{4}){3}-[0-9a-zA-Z]{12}$/;

function setLevel(m: LambdaMessage, level: string, msg: string): void {
  const lv = level === 'WARNING' ? 'WARN' : level;
  m.attrs.level = lv;
  m.message = msg;
  if (lv === 'ERROR' || lv === 'FATAL') {
    m.action = L.error;
    m.outcome = 'failure';
  }
}

/** Timeouts, OOM kills and runtime errors, whatever the line's shape. */
function refine(m: LambdaMessage, text: string): void {
  const t = text.indexOf('Task timed out after ');
  if (t >= 0) {
    m.action = L.timeout;
    m.outcome = 'failure';
    const s = decimal(word(text, t + 21));
    if (!Number.isNaN(s)) m.attrs.timeoutS = s;
    return;
  }
  if (
    text.includes('Runtime.OutOfMemory') ||
    text.includes('Runtime exited with error: signal: killed') ||
    text.includes('JavaScript heap out of memory') ||
    text.includes('MemoryError')
  ) {
    m.action = L.outOfMemory;
    m.outcome = 'failure';
    return;
  }
  if (
    text.includes('Process exited before completing request') ||
    /Runtime\.[A-Za-z]*Error/.test(text) ||
    text.includes('Runtime exited with error') ||
    text.includes('Unhandled Promise Rejection') ||
    text.startsWith('Traceback ')
  ) {
    m.action = L.error;
    m.outcome = 'failure';
  }
}

/** JSON log format (Lambda advanced logging): app lines `{level, message, requestId}` and `platform.*` events. */
function structured(m: LambdaMessage, text: string): LambdaMessage {
  let o: Record<string, unknown>;
  try {
    const v = JSON.parse(text);
    if (v === null || typeof v !== 'object' || Array.isArray(v)) return m;
    o = v as Record<string, unknown>;
  } catch {
    return m;
  }
  const type = typeof o.type === 'string' ? o.type : undefined;
  if (type?.startsWith('platform.')) return platform(m, type, o);
  if (typeof o.level === 'string') {
    setLevel(m, o.level.toUpperCase(), typeof o.message === 'string' ? o.message : text);
    if (typeof o.requestId === 'string') m.attrs.requestId = o.requestId;
    if (m.action === L.error) refine(m, text);
  }
  return m;
}

function platform(m: LambdaMessage, type: string, o: Record<string, unknown>): LambdaMessage {
  const rec = (o.record ?? {}) as Record<string, unknown>;
  if (typeof rec.requestId === 'string') m.attrs.requestId = rec.requestId;
  if (type === 'platform.start') m.action = L.start;
  else if (type === 'platform.runtimeDone') m.action = L.end;
  else if (type === 'platform.report') {
    m.action = L.report;
    m.outcome = rec.status === 'success' || rec.status === undefined ? 'success' : 'failure';
    const met = (rec.metrics ?? {}) as Record<string, unknown>;
    const n = (k: string) => (typeof met[k] === 'number' ? (met[k] as number) : undefined);
    m.durationMs = n('durationMs');
    m.memoryLimitMb = n('memorySizeMB');
    m.memoryMb = n('maxMemoryUsedMB');
    if (n('billedDurationMs') !== undefined) m.attrs.billedMs = n('billedDurationMs')!;
    if (n('initDurationMs') !== undefined) m.attrs.initMs = n('initDurationMs')!;
  } else if (type === 'platform.fault') {
    m.action = L.error;
    m.outcome = 'failure';
  }
  if (typeof rec.status === 'string' && rec.status === 'timeout') {
    m.action = L.timeout;
    m.outcome = 'failure';
  }
  return m;
}
