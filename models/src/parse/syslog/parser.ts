import { AUTH_ACTIONS, SYSLOG_ACTIONS } from '../../schema/actions.ts';
import type { AttrValue, LogEvent, LogSource } from '../../schema/event.ts';
import { SyslogYear } from '../time.ts';
import {
  fail,
  type LineParser,
  type ParseContext,
  type ParseResult,
  type ParserOptions,
  SKIP_BLANK,
  SKIP_HEADER,
} from '../types.ts';
import type { Classified } from './classified.ts';
import { classifyMessage, isAuthProgram } from './classify.ts';
import { emptyHeader, parseSyslogHeader, type SyslogHeader } from './header.ts';
import { parseJournalJson } from './journald.ts';

/** What the syslog parser needs from a template miner (models/src/parse/drain): an id per message shape. */
export interface TemplateSink {
  add(message: string): { templateId: number };
}

export interface SyslogParserOptions extends ParserOptions {
  /** When set, messages classified as auth.other / syslog.other get attrs.template = the mined template id. */
  templates?: TemplateSink;
  /**
   * Keep every attr the classifiers extract (disconnect kind/reason/code, preauth, pam logname/ruser/module, sudo
   * reason, systemd description/result/code/status, package arch/fromVersion, syslog PRI facility/severity, RFC 5424
   * msgId/structuredData...). Default false: only the keys docs/log-contract.md names, plus `repeat` (rsyslog
   * "message repeated N times") and `rhost` (a remote host name that is not an IP).
   */
  extendedAttrs?: boolean;
}

/** attrs keys docs/log-contract.md names for syslog sources, per action, plus the GLOBAL ones (see extendedAttrs). */
const GLOBAL_ATTRS = new Set(['method', 'invalidUser', 'template', 'repeat', 'rhost']);
const ACTION_ATTRS: Record<string, Set<string>> = {
  [AUTH_ACTIONS.pamAuthFailure]: new Set(['service', 'count']),
  [AUTH_ACTIONS.sessionOpen]: new Set(['service']),
  [AUTH_ACTIONS.sessionClose]: new Set(['service']),
  [AUTH_ACTIONS.sudoCommand]: new Set(['runAs', 'tty', 'pwd']),
  [AUTH_ACTIONS.sudoFailure]: new Set(['runAs', 'tty', 'pwd', 'service']),
  [AUTH_ACTIONS.su]: new Set(['runAs', 'tty']),
  [AUTH_ACTIONS.accountChange]: new Set(['op']),
  [SYSLOG_ACTIONS.packageChange]: new Set(['op', 'version']),
  [SYSLOG_ACTIONS.kernelOom]: new Set(['victimPid']),
};

function contractAttrs(
  action: string,
  a: Record<string, AttrValue> | undefined,
): Record<string, AttrValue> | undefined {
  if (a === undefined) return undefined;
  const allowed = ACTION_ATTRS[action];
  let out: Record<string, AttrValue> | undefined;
  for (const k in a) {
    if (!GLOBAL_ATTRS.has(k) && !allowed?.has(k)) continue;
    out ??= {};
    out[k] = a[k];
  }
  return out;
}

/**
 * Every syslog-family line shape, decided per line: RFC 3164 (with or without `<PRI>`), RFC 5424, ISO-timestamp
 * rsyslog / journald short-iso, journald short-precise and `-o json`. Fields follow docs/log-contract.md.
 */
export class SyslogParser implements LineParser {
  readonly format = 'syslog' as const;
  private readonly year: SyslogYear;
  private readonly h: SyslogHeader = emptyHeader();
  private readonly source: LogSource | undefined;
  private readonly templates: TemplateSink | undefined;
  private readonly extended: boolean;

  constructor(opts: SyslogParserOptions = {}) {
    this.year = new SyslogYear(opts.year, opts.referenceTimeMs);
    this.source = opts.syslogSource;
    this.templates = opts.templates;
    this.extended = opts.extendedAttrs ?? false;
  }

  parse(line: string, _ctx: ParseContext): ParseResult {
    const first = line.charCodeAt(0);
    if (line.length === 0 || (first === 32 && line.trim() === '')) return SKIP_BLANK;
    const h = this.h;
    if (first === 123) {
      const err = parseJournalJson(line, h);
      if (err) return { ok: false, error: err };
    } else if (first === 45 && line.startsWith('-- ')) {
      return SKIP_HEADER; // journalctl: "-- Logs begin at ...", "-- Reboot --", "-- No entries --"
    } else {
      const status = parseSyslogHeader(line, this.year, h);
      if (status === 'bad_time') return fail('bad_time', 'syslog timestamp is not a valid date/time', 'timestamp');
      if (status !== 'ok') return fail('bad_header', 'not a syslog line (RFC 3164/5424, ISO or journald)', 'header');
    }
    return { ok: true, event: this.build(h, line) };
  }

  private build(h: SyslogHeader, raw: string): LogEvent {
    const c = classifyMessage(h.program, h.message);
    const source = this.source ?? (isAuthProgram(h.program, h.message) ? 'ec2.auth' : 'ec2.syslog');
    if (c.action === 'other') {
      c.action = source === 'ec2.auth' ? AUTH_ACTIONS.other : SYSLOG_ACTIONS.other;
      if (this.templates !== undefined && h.message !== '') {
        c.attrs ??= {};
        c.attrs.template = this.templates.add(h.message).templateId;
      }
    }
    let e: LogEvent;
    // the usual line has host, program and pid: one literal instead of three property additions
    if (h.host !== undefined && h.program !== undefined && h.pid !== undefined) {
      e = {
        ts: h.ts,
        source,
        host: h.host,
        action: c.action,
        outcome: c.outcome,
        program: h.program,
        pid: h.pid,
        message: h.message,
        raw,
      };
    } else {
      e = { ts: h.ts, source, action: c.action, outcome: c.outcome, message: h.message, raw };
      if (h.host !== undefined) e.host = h.host;
      if (h.program !== undefined) e.program = h.program;
      if (h.pid !== undefined) e.pid = h.pid;
    }
    if (c.principal !== undefined) e.principal = c.principal;
    if (c.srcIp !== undefined) e.srcIp = c.srcIp;
    if (c.srcPort !== undefined) e.srcPort = c.srcPort;
    if (c.resource !== undefined) e.resource = c.resource;
    const attrs = this.extended ? headerAttrs(h, c) : contractAttrs(c.action, c.attrs);
    if (attrs !== undefined) e.attrs = attrs;
    return e;
  }
}

function headerAttrs(h: SyslogHeader, c: Classified): Record<string, AttrValue> | undefined {
  if (h.facility === undefined && h.severity === undefined && h.msgId === undefined && h.structuredData === undefined) {
    return c.attrs;
  }
  const a: Record<string, AttrValue> = c.attrs ?? {};
  if (h.facility !== undefined) a.facility = h.facility;
  if (h.severity !== undefined) a.severity = h.severity;
  if (h.msgId !== undefined) a.msgId = h.msgId;
  if (h.structuredData !== undefined) a.structuredData = h.structuredData;
  return a;
}
