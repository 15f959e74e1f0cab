import { uint } from '../fields.ts';
import type { ParseError } from '../types.ts';
import type { SyslogHeader } from './header.ts';

/**
 * `journalctl -o json` entry -> header fields. Keys: __REALTIME_TIMESTAMP (µs, string), _HOSTNAME, SYSLOG_IDENTIFIER
 * (else _COMM), SYSLOG_PID (else _PID), MESSAGE (a string, or an array of bytes when it is not valid UTF-8),
 * PRIORITY, SYSLOG_FACILITY. Returns an error or undefined on success.
 */
export function parseJournalJson(line: string, h: SyslogHeader): ParseError | undefined {
  let rec: unknown;
  try {
    rec = JSON.parse(line);
  } catch (e) {
    return { code: 'bad_json', message: `journald JSON does not parse: ${(e as Error).message}` };
  }
  if (rec === null || typeof rec !== 'object' || Array.isArray(rec)) {
    return { code: 'bad_json', message: 'journald entry is not a JSON object' };
  }
  const r = rec as Record<string, unknown>;
  const usText = r.__REALTIME_TIMESTAMP;
  // µs since the epoch has 16 digits: past uint()'s 15-digit exact range, but well inside a double's 2^53
  const us =
    typeof usText === 'string' && /^\d{1,16}$/.test(usText) ? Number(usText) : typeof usText === 'number' ? usText : -1;
  if (!(us > 0)) {
    return { code: 'missing_field', message: '__REALTIME_TIMESTAMP missing or not µs', field: '__REALTIME_TIMESTAMP' };
  }
  const message = journalText(r.MESSAGE);
  if (message === undefined) return { code: 'missing_field', message: 'MESSAGE missing', field: 'MESSAGE' };
  h.ts = Math.floor(us / 1000);
  h.host = str(r._HOSTNAME);
  h.program = str(r.SYSLOG_IDENTIFIER) ?? str(r._COMM);
  const pid = uint(str(r.SYSLOG_PID) ?? str(r._PID) ?? '');
  h.pid = pid >= 0 ? pid : undefined;
  h.message = message;
  const prio = uint(str(r.PRIORITY) ?? '');
  h.severity = prio >= 0 && prio <= 7 ? prio : undefined;
  const fac = uint(str(r.SYSLOG_FACILITY) ?? '');
  h.facility = fac >= 0 && fac <= 23 ? fac : undefined;
  h.msgId = h.structuredData = undefined;
  return undefined;
}

function str(v: unknown): string | undefined {
  if (typeof v === 'string') return v === '' ? undefined : v;
  if (typeof v === 'number') return String(v);
  return undefined;
}

/** journald stores non-UTF-8 fields as byte arrays; decode them leniently (U+FFFD) rather than drop the entry. */
function journalText(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (Array.isArray(v) && v.length <= 1 << 20 && v.every((b) => Number.isInteger(b) && b >= 0 && b <= 255)) {
    return Buffer.from(v as number[]).toString('utf8');
  }
  return undefined;
}
