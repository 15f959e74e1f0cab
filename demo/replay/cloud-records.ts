import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseClfTime } from '../../models/src/parse/time.ts';
import { isoSeconds, s3Time } from '../../models/src/synth/time.ts';

/**
 * The account's cloud logs from the dataset, each record with its time and a function that re-renders it at another
 * time: CloudTrail `eventTime`, Lambda CloudWatch events (`timestamp` and the leading ISO stamp of app lines), VPC
 * flow `start`/`end` (epoch seconds), S3 access `[dd/Mon/yyyy:HH:MM:SS +0000]`.
 */
export type CloudKind = 'cloudtrail' | 'lambda' | 'vpc' | 's3';
export interface CloudRecord {
  kind: CloudKind;
  ts: number;
  /** CloudWatch Logs group (cloudtrail, lambda, vpc) or S3 bucket the log is about (s3). */
  group: string;
  stream: string;
  render(ts: number): string;
}

const S3_TIME = /\[(\d\d\/[A-Z][a-z]{2}\/\d{4}:\d\d:\d\d:\d\d \+0000)\]/;
const ISO_LEAD = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z/;

export function loadCloudRecords(dataDir: string, keep: (ts: number) => boolean): CloudRecord[] {
  const out: CloudRecord[] = [];
  const lines = (p: string) => readFileSync(p, 'utf8').split('\n').filter(Boolean);
  for (const line of lines(path.join(dataDir, 'cloudtrail/events.jsonl'))) {
    const rec = JSON.parse(line) as { eventTime: string };
    const ts = Date.parse(rec.eventTime);
    if (!keep(ts)) continue;
    const render = (t: number) => JSON.stringify({ ...rec, eventTime: isoSeconds(t) });
    out.push({ kind: 'cloudtrail', ts, group: 'aws-cloudtrail-logs', stream: 'account_CloudTrail_us-east-1', render });
  }
  for (const file of readdirSync(path.join(dataDir, 'lambda'))) {
    for (const line of lines(path.join(dataDir, 'lambda', file))) {
      const ev = JSON.parse(line) as {
        logGroupName: string;
        logStreamName: string;
        timestamp: number;
        message: string;
      };
      if (!keep(ev.timestamp)) continue;
      const render = (t: number) => ev.message.replace(ISO_LEAD, () => new Date(t).toISOString());
      out.push({ kind: 'lambda', ts: ev.timestamp, group: ev.logGroupName, stream: ev.logStreamName, render });
    }
  }
  for (const line of lines(path.join(dataDir, 'vpc/flowlogs.log')).slice(1)) {
    const f = line.split(' ');
    const start = Number(f[10]) * 1000;
    if (!Number.isFinite(start) || !keep(start)) continue;
    const dur = Number(f[11]) * 1000 - start;
    const render = (t: number) => {
      const g = [...f];
      g[10] = String(Math.floor(t / 1000));
      g[11] = String(Math.floor((t + dur) / 1000));
      return g.join(' ');
    };
    out.push({ kind: 'vpc', ts: start, group: 'vpc-flow-logs', stream: f[2], render });
  }
  for (const file of readdirSync(path.join(dataDir, 's3'))) {
    for (const line of lines(path.join(dataDir, 's3', file))) {
      const m = S3_TIME.exec(line);
      const ts = m ? parseClfTime(m[1], 0, m[1].length) : Number.NaN;
      if (!Number.isFinite(ts) || !keep(ts)) continue;
      out.push({
        kind: 's3',
        ts,
        group: file.replace(/\.log$/, ''),
        stream: '',
        render: (t) => line.replace(S3_TIME, s3Time(t)),
      });
    }
  }
  return out.sort((a, b) => a.ts - b.ts);
}
