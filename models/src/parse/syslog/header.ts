import { uintAt } from '../fields.ts';
import {
  clockMs,
  dayStartMs,
  digits,
  monthIndex,
  type SyslogYear,
  scanIso,
  type TimeScan,
  validDate,
} from '../time.ts';

/** The parts of a syslog line before classification. Reused across lines by one parser (no per-line allocation). */
export interface SyslogHeader {
  ts: number;
  host: string | undefined;
  program: string | undefined;
  pid: number | undefined;
  message: string;
  /** RFC 5424 / PRI extras; undefined for plain RFC 3164. */
  facility: number | undefined;
  severity: number | undefined;
  msgId: string | undefined;
  structuredData: string | undefined;
}

export function emptyHeader(): SyslogHeader {
  return {
    ts: 0,
    host: undefined,
    program: undefined,
    pid: undefined,
    message: '',
    facility: undefined,
    severity: undefined,
    msgId: undefined,
    structuredData: undefined,
  };
}

export type HeaderStatus = 'ok' | 'bad_header' | 'bad_time';

const iso: TimeScan = { ms: 0, end: 0 };

/**
 * Parse any supported syslog header into `h`. Returns 'ok', or which part failed. Never throws; hostile input only
 * ever costs a linear scan (no regex).
 */
export function parseSyslogHeader(line: string, year: SyslogYear, h: SyslogHeader): HeaderStatus {
  h.host = h.program = h.msgId = h.structuredData = undefined;
  h.pid = h.facility = h.severity = undefined;
  let i = 0;
  if (line.charCodeAt(0) === 60) {
    const close = line.indexOf('>', 1);
    if (close < 2 || close > 4) return 'bad_header';
    const pri = uintAt(line, 1, close);
    if (pri < 0 || pri > 191) return 'bad_header';
    h.facility = pri >> 3;
    h.severity = pri & 7;
    i = close + 1;
    if (line.charCodeAt(i) === 49 && line.charCodeAt(i + 1) === 32) return parse5424(line, i + 2, h);
  }
  const c = line.charCodeAt(i);
  if (c >= 48 && c <= 57) {
    if (!scanIso(line, i, iso)) return 'bad_time';
    h.ts = iso.ms;
    i = iso.end;
  } else {
    const t = scanBsdTime(line, i, year);
    if (t < 0) return t === -2 ? 'bad_time' : 'bad_header';
    i = bsdEnd;
    h.ts = t;
  }
  if (line.charCodeAt(i) !== 32) return 'bad_header';
  return parseHostTag(line, i + 1, h);
}

let bsdEnd = 0;

/** `Mmm dd HH:MM:SS[.frac]` with day space- or zero-padded. Returns ms, -1 (not this shape) or -2 (bad date). */
function scanBsdTime(s: string, i: number, year: SyslogYear): number {
  const m0 = monthIndex(s, i);
  if (m0 < 0 || s.charCodeAt(i + 3) !== 32) return -1;
  let j = i + 4;
  if (s.charCodeAt(j) === 32) j++;
  let d = digits(s, j, 2);
  if (d < 0) {
    d = digits(s, j, 1);
    j += 1;
  } else j += 2;
  if (d < 1 || d > 31 || s.charCodeAt(j) !== 32) return -1;
  const clock = clockMs(s, j + 1);
  if (clock < 0) return -2;
  j += 9;
  let frac = 0;
  if (s.charCodeAt(j) === 46) {
    j++;
    let scale = 100;
    for (let c = s.charCodeAt(j) - 48; c >= 0 && c <= 9; c = s.charCodeAt(++j) - 48) {
      frac += c * scale;
      scale /= 10;
    }
  }
  const y = year.resolve(m0);
  // Feb 30 would silently roll into March: a date that does not exist is a bad timestamp instead.
  if (!validDate(y, m0, d)) return -2;
  bsdEnd = j;
  return dayStartMs(y, m0, d) + clock + Math.floor(frac);
}

function isTagChar(c: number): boolean {
  // letters, digits and the punctuation seen in real tags: - _ . / ( ) @
  return (
    (c >= 97 && c <= 122) ||
    (c >= 65 && c <= 90) ||
    (c >= 48 && c <= 57) ||
    c === 45 ||
    c === 95 ||
    c === 46 ||
    c === 47 ||
    c === 40 ||
    c === 41 ||
    c === 64
  );
}

/** `host tag[pid]: msg`, tolerating an empty host (two spaces) and a missing host (tag right after the time). */
function parseHostTag(line: string, i: number, h: SyslogHeader): HeaderStatus {
  const n = line.length;
  if (line.charCodeAt(i) !== 32) {
    let sp = line.indexOf(' ', i);
    if (sp < 0) sp = n;
    if (tagEnd(line, i, sp) < 0) h.host = line.slice(i, sp);
    else sp = i - 1; // the token is a tag: this sender wrote no hostname
    i = sp + 1;
  }
  while (line.charCodeAt(i) === 32) i++;
  let sp = line.indexOf(' ', i);
  if (sp < 0) sp = n;
  const te = tagEnd(line, i, sp);
  if (te < 0) {
    h.message = line.slice(i);
    return 'ok';
  }
  h.program = line.slice(i, te);
  h.pid = tagPid >= 0 ? tagPid : undefined;
  let m = sp + 1;
  while (line.charCodeAt(m) === 32) m++;
  h.message = m >= n ? '' : line.slice(m);
  return 'ok';
}

/** pid of the last tag tagEnd() accepted, -1 when it had none. */
let tagPid = -1;

/**
 * If s[i..sp) is a syslog tag (`name:`, `name[pid]:`, `name[pid]`), the index where the name ends (at ':' or '[');
 * otherwise -1. The name must be 1..64 tag characters.
 */
function tagEnd(s: string, i: number, sp: number): number {
  let k = i;
  while (k < sp && isTagChar(s.charCodeAt(k))) k++;
  if (k === i || k - i > 64) return -1;
  const c = s.charCodeAt(k);
  if (c === 58 && k === sp - 1) {
    tagPid = -1;
    return k;
  }
  if (c === 91) {
    let close = k + 1;
    while (close < sp && s.charCodeAt(close) !== 93) close++;
    if (close >= sp) return -1;
    const pid = uintAt(s, k + 1, close);
    if (pid < 0) return -1;
    if (close === sp - 1 || (close === sp - 2 && s.charCodeAt(close + 1) === 58)) {
      tagPid = pid;
      return k;
    }
  }
  return -1;
}

/** RFC 5424 after `<PRI>1 `: TIMESTAMP HOSTNAME APP-NAME PROCID MSGID STRUCTURED-DATA [MSG]. */
function parse5424(line: string, i: number, h: SyslogHeader): HeaderStatus {
  if (line.charCodeAt(i) === 45) {
    return 'bad_time'; // NILVALUE time: we cannot place the event
  }
  if (!scanIso(line, i, iso)) return 'bad_time';
  h.ts = iso.ms;
  i = iso.end;
  const parts: (string | undefined)[] = [];
  for (let p = 0; p < 4; p++) {
    if (line.charCodeAt(i) !== 32) return 'bad_header';
    let sp = line.indexOf(' ', i + 1);
    if (sp < 0) sp = line.length;
    const tok = line.slice(i + 1, sp);
    parts.push(tok === '-' ? undefined : tok);
    i = sp;
  }
  h.host = parts[0];
  h.program = parts[1];
  const pid = parts[2] === undefined ? -1 : uintAt(parts[2], 0, parts[2].length);
  h.pid = pid >= 0 ? pid : undefined;
  h.msgId = parts[3];
  if (line.charCodeAt(i) !== 32) return 'bad_header';
  i++;
  const sdEnd = structuredDataEnd(line, i);
  if (sdEnd < 0) return 'bad_header';
  const sd = line.slice(i, sdEnd);
  h.structuredData = sd === '-' ? undefined : sd;
  let m = sdEnd;
  if (line.charCodeAt(m) === 32) m++;
  if (line.charCodeAt(m) === 0xfeff) m++; // BOM marks UTF-8 MSG
  h.message = line.slice(m);
  return 'ok';
}

/** End index of STRUCTURED-DATA starting at i: `-` or one or more `[...]` with `\]` escapes. -1 if malformed. */
function structuredDataEnd(s: string, i: number): number {
  if (s.charCodeAt(i) === 45) return i + 1;
  let k = i;
  while (s.charCodeAt(k) === 91) {
    k++;
    let inQuote = false;
    for (; k < s.length; k++) {
      const c = s.charCodeAt(k);
      if (c === 92) k++;
      else if (c === 34) inQuote = !inQuote;
      else if (c === 93 && !inQuote) break;
    }
    if (k >= s.length) return -1;
    k++;
  }
  return k === i ? -1 : k;
}
