import type { LogEvent } from '../../schema/event.ts';
import { syslogTime } from '../time.ts';
import { assignDefined, type EventFields, type SynthRecord } from '../types.ts';
import { files } from './files.ts';

/** A syslog message before it is stamped: program tag, optional pid, text, and what it means. */
export interface SyslogMessage extends EventFields {
  program: string;
  pid?: number;
  message: string;
  /** Spaces written between `tag: ` and the message (sudo right-aligns the user name); not part of `message`. */
  padding?: number;
}

/**
 * RFC 3164 line `Mmm dd hh:mm:ss host prog[pid]: message` (UTC, second precision) and its event. `message` is the
 * text after `prog[pid]: ` (without sudo's alignment padding); the event's ts is the second the header shows.
 */
export function syslogRecord(
  source: 'ec2.auth' | 'ec2.syslog',
  hostname: string,
  ts: number,
  m: SyslogMessage,
  label?: string,
): SynthRecord {
  const sec = Math.floor(ts / 1000) * 1000;
  const tag = m.pid === undefined ? m.program : `${m.program}[${m.pid}]`;
  const pad = m.padding ? ' '.repeat(m.padding) : '';
  const line = `${syslogTime(sec)} ${hostname} ${tag}: ${pad}${m.message}`;
  const event: LogEvent = { ts: sec, source, host: hostname, action: m.action, outcome: m.outcome, raw: line };
  assignDefined(event, {
    program: m.program,
    pid: m.pid,
    message: m.message,
    principal: m.principal,
    srcIp: m.srcIp,
    srcPort: m.srcPort,
    resource: m.resource,
    attrs: m.attrs,
  });
  const file = source === 'ec2.auth' ? files.auth(hostname) : files.syslog(hostname);
  return label === undefined ? { source, file, line, event } : { source, file, line, event, label };
}
