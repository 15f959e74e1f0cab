/** RFC 3164 timestamps ("Mmm dd HH:MM:SS"): the dataset's auth.log and syslog carry no year and are written in UTC. */
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const STAMP = /^([A-Z][a-z]{2}) ([ \d]\d) (\d\d):(\d\d):(\d\d) /;

/** The line's time in the given year and the rest of the line after the stamp; null for a line without one. */
export function splitSyslogLine(line: string, year: number): { ts: number; rest: string } | null {
  const m = STAMP.exec(line);
  if (!m) return null;
  const month = MONTHS.indexOf(m[1]);
  if (month < 0) return null;
  const ts = Date.UTC(year, month, Number(m[2].trim()), Number(m[3]), Number(m[4]), Number(m[5]));
  return { ts, rest: line.slice(m[0].length) };
}

const pad = (n: number) => String(n).padStart(2, '0');

export function syslogStamp(ts: number): string {
  const d = new Date(ts);
  const day = String(d.getUTCDate()).padStart(2, ' ');
  return `${MONTHS[d.getUTCMonth()]} ${day} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
}

/** Replaces the host field (the first token after the stamp) so a dataset line reads as written on `host`. */
export function withHost(rest: string, host: string): string {
  const sp = rest.indexOf(' ');
  return sp < 0 ? rest : `${host}${rest.slice(sp)}`;
}
