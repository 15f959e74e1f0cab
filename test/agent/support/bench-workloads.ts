/** Workloads for the agent benchmark (test/bench/agent.bench.ts): real-format auth.log lines. */
import { appendFileSync, writeFileSync } from 'node:fs';
import { acceptedKey, cronLine, failedPassword, sshdLine, sudoLine } from './syslog-lines.ts';

export const round = (x: number) => Math.round(x * 10) / 10;
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
export const pct = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
};

/** A realistic auth.log mix: brute force and scans from ~2,000 addresses, logins, sudo, cron. */
export function authLine(i: number, ts: number): string {
  const k = i % 100;
  const a = (i * 7919) % 2000; // ~2,000 attacking addresses
  const ip = `${45 + (a % 7)}.${a % 13}.${(a >> 3) & 255}.${a % 251}`;
  if (k < 70) return failedPassword(ts, 'web-1', k % 3 ? 'root' : `admin${k}`, ip, 30000 + (i % 30000), k % 3 === 0);
  if (k < 85) return acceptedKey(ts, 'web-1', `user${k % 10}`, `10.0.${k % 4}.${k}`, 40000 + (i % 20000));
  if (k < 95) return sudoLine(ts, 'web-1', `user${k % 10}`, '/usr/bin/systemctl status nginx');
  return cronLine(ts, 'web-1', 'root', 'run-parts /etc/cron.hourly');
}

/**
 * sshd traffic with the sequence number in the pid field. `attack`: every line a failure from ~2,000 addresses (most
 * of them become anomalies). Otherwise a busy but mostly benign host: 90% logins/disconnects from inside, 10% failures.
 */
export function sshdMixed(ts: number, seq: number, attack: boolean): string {
  const port = 1024 + (seq % 60000);
  if (!attack && seq % 10 !== 0) {
    const msg =
      seq % 2
        ? `Accepted publickey for deploy${seq % 40} from 10.0.${seq % 3}.${seq % 200}`
        : `Received disconnect from 10.0.${seq % 3}.${seq % 200}`;
    return sshdLine(ts, 'web-1', seq, `${msg} port ${port} ssh2`);
  }
  const a = (seq * 7919) % 2000;
  const ip = `${45 + (a % 7)}.${a % 13}.${(a >> 3) & 255}.${a % 251}`;
  return sshdLine(
    ts,
    'web-1',
    seq,
    `Failed password for ${seq % 3 ? 'root' : 'invalid user admin'} from ${ip} port ${port} ssh2`,
  );
}

export function writeCorpus(file: string, n: number): void {
  const t0 = Date.now() - 3600_000;
  const chunk: string[] = [];
  writeFileSync(file, '');
  for (let i = 0; i < n; i++) {
    chunk.push(authLine(i, t0 + Math.floor((i * 3600_000) / n)));
    if (chunk.length === 10_000) {
      appendFileSync(file, `${chunk.join('\n')}\n`);
      chunk.length = 0;
    }
  }
  if (chunk.length) appendFileSync(file, `${chunk.join('\n')}\n`);
}
