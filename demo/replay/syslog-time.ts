import { clockMs, dayStartMs, digits, monthIndex, validDate } from '../../models/src/parse/time.ts';
import { syslogTime } from '../../models/src/synth/time.ts';

/** RFC 3164 stamps ("Mmm dd HH:MM:SS"): the dataset's auth.log and syslog carry no year and are written in UTC. */

/** The line's time in the given year and the rest of the line after the stamp; null for a line without one. */
export function splitSyslogLine(line: string, year: number): { ts: number; rest: string } | null {
  if (line.length < 16 || line.charCodeAt(3) !== 32 || line.charCodeAt(15) !== 32) return null;
  const month = monthIndex(line, 0);
  const day = line.charCodeAt(4) === 32 ? digits(line, 5, 1) : digits(line, 4, 2);
  const clock = clockMs(line, 7);
  if (!validDate(year, month, day) || clock < 0) return null;
  return { ts: dayStartMs(year, month, day) + clock, rest: line.slice(16) };
}

/** The stamp the generator writes (and syslog daemons do): UTC, day space-padded. */
export const syslogStamp = syslogTime;

/** Replaces the host field (the first token after the stamp) so a dataset line reads as written on `host`. */
export function withHost(rest: string, host: string): string {
  const sp = rest.indexOf(' ');
  return sp < 0 ? rest : `${host}${rest.slice(sp)}`;
}
