/** Real-format syslog lines (RFC 3164, as rsyslog writes auth.log) for tests and benchmarks. */

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad = (n: number) => String(n).padStart(2, '0');

/** `Mar  3 10:00:01` in UTC (the parser reads syslog time as UTC). */
export function syslogTime(ts: number): string {
  const d = new Date(ts);
  return `${MONTHS[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2, ' ')} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
}

export function sshdLine(ts: number, host: string, pid: number, message: string): string {
  return `${syslogTime(ts)} ${host} sshd[${pid}]: ${message}`;
}

export const failedPassword = (ts: number, host: string, user: string, ip: string, port: number, invalid = false) =>
  sshdLine(
    ts,
    host,
    1000 + (port % 30000),
    `Failed password for ${invalid ? 'invalid user ' : ''}${user} from ${ip} port ${port} ssh2`,
  );

export const acceptedKey = (ts: number, host: string, user: string, ip: string, port: number) =>
  sshdLine(
    ts,
    host,
    1000 + (port % 30000),
    `Accepted publickey for ${user} from ${ip} port ${port} ssh2: ED25519 SHA256:abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG`,
  );

export const sudoLine = (ts: number, host: string, user: string, command: string) =>
  `${syslogTime(ts)} ${host} sudo:  ${user} : TTY=pts/0 ; PWD=/home/${user} ; USER=root ; COMMAND=${command}`;

export const cronLine = (ts: number, host: string, user: string, command: string) =>
  `${syslogTime(ts)} ${host} CRON[${2000 + (ts % 5000)}]: (${user}) CMD (${command})`;
