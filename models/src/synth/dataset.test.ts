import { beforeAll, describe, expect, it } from 'vitest';
import { ANOMALY_TYPES, type EntityKind } from '../schema/anomaly.ts';
import { LOG_SOURCES, LogEventSchema } from '../schema/event.ts';
import { type Label, LabelSchema } from '../schema/label.ts';
import { compileValidator } from '../schema/validate.ts';
import { INJECTORS } from './anomalies/plan.ts';
import { sourceTargets } from './engine/budget.ts';
import { SynthRun } from './run.ts';
import type { SynthRecord } from './types.ts';

const SAMPLES = 8000;
const checkEvent = compileValidator(LogEventSchema);
const checkLabel = compileValidator(LabelSchema);

const ENTITY: Record<string, EntityKind> = {
  ssh_brute_force: 'ip',
  credential_stuffing: 'host',
  suspicious_command: 'host',
  crypto_miner: 'host',
  unexpected_package: 'host',
  disk_fill: 'host',
  lambda_timeout: 'function',
  lambda_memory: 'function',
  lambda_errors: 'function',
  lambda_request_spike: 'function',
  s3_sensitive_download: 'bucket_principal',
  s3_unauthorized_burst: 'bucket_principal',
  s3_mass_delete: 'bucket_principal',
  port_scan: 'ip',
  ddos: 'eni',
  unusual_protocol: 'eni',
  internal_exfil: 'eni',
  behavior_change: 'user',
  account_spike: 'account',
  unusual_region: 'user',
  iam_persistence: 'user',
};

let run: SynthRun;
let records: SynthRecord[];
let labels: Label[];

beforeAll(() => {
  run = new SynthRun({ samples: SAMPLES });
  records = [...run.records()];
  labels = run.labels();
});

describe('default scenario at a small sample count (full year)', () => {
  it('writes exactly the requested records, split by the mix', () => {
    expect(records).toHaveLength(SAMPLES);
    const target = sourceTargets(SAMPLES, run.scenario.mix);
    for (const s of LOG_SOURCES) expect(records.filter((r) => r.source === s)).toHaveLength(target[s]);
  });

  it('keeps every file and the whole stream in time order, inside the range', () => {
    const last = new Map<string, number>();
    const problems: string[] = [];
    let prev = Number.NEGATIVE_INFINITY;
    for (const r of records) {
      const ts = r.event.ts;
      if (ts < prev || ts < (last.get(r.file) ?? 0)) problems.push(`out of order: ${r.line}`);
      if (ts < run.scenario.startMs || ts >= run.scenario.endMs) problems.push(`outside the range: ${r.line}`);
      prev = ts;
      last.set(r.file, ts);
    }
    expect(problems.slice(0, 5)).toEqual([]);
  });

  it('gives every record a contract-valid event whose raw is the line', () => {
    const problems: string[] = [];
    for (const r of records) {
      checkEvent(r.event, r.file);
      if (r.event.raw !== r.line || r.event.source !== r.source || r.line.includes('\n')) problems.push(r.line);
    }
    expect(problems.slice(0, 5)).toEqual([]);
  });

  it('injects every anomaly type, several times, in every quarter of the year', () => {
    const quarter = (run.scenario.endMs - run.scenario.startMs) / 4;
    for (const type of ANOMALY_TYPES) {
      const incidents = new Map(labels.filter((l) => l.type === type).map((l) => [l.incident, l]));
      expect(incidents.size, type).toBeGreaterThanOrEqual(8);
      const quarters = new Set(
        [...incidents.values()].map((l) => Math.floor((l.start - run.scenario.startMs) / quarter)),
      );
      expect(quarters.size, type).toBe(4);
    }
  });

  it('includes low-and-slow variants of every type that has one', () => {
    for (const inj of INJECTORS) {
      for (const type of inj.lowAndSlow)
        expect(
          labels.some((l) => l.type === type && l.variant === 'low_and_slow'),
          type,
        ).toBe(true);
    }
    expect(labels.filter((l) => l.type === 'ddos').every((l) => l.variant === 'standard')).toBe(true);
  });

  it('writes valid labels with the documented entity kinds and targets', () => {
    for (const l of labels) {
      checkLabel(l, l.id);
      expect(l.entity.kind, l.id).toBe(ENTITY[l.type]);
      expect(l.start).toBeGreaterThanOrEqual(run.scenario.startMs);
      expect(l.end).toBeLessThanOrEqual(run.scenario.endMs);
      expect(l.end).toBeGreaterThan(l.start);
      expect(l.events, l.id).toBeGreaterThan(0);
      expect(l.intensity).toBeGreaterThanOrEqual(0);
      expect(l.intensity).toBeLessThanOrEqual(1);
    }
    for (const l of labels.filter((x) => x.type === 'ssh_brute_force')) expect(l.targets?.ip).toBe(l.entity.id);
    for (const l of labels.filter((x) => x.type === 'crypto_miner')) {
      expect(typeof l.targets?.pid).toBe('number');
      expect(typeof l.targets?.startTime).toBe('number');
      expect(String(l.targets?.exe)).toMatch(/^\/(tmp|dev\/shm|var\/tmp)\//);
    }
    for (const l of labels.filter((x) => x.type === 'disk_fill')) expect(String(l.targets?.mount)).toMatch(/^\//);
    const spikes = new Map<string, Set<string>>();
    for (const l of labels.filter((x) => x.type === 'account_spike'))
      spikes.set(l.incident, (spikes.get(l.incident) ?? new Set()).add(l.source));
    for (const sources of spikes.values()) expect(sources.size).toBeGreaterThanOrEqual(3);
  });

  it('puts every labelled line inside its label window and source, and counts them in events', () => {
    const byId = new Map(labels.map((l) => [l.id, l]));
    const counted = new Map<string, number>();
    const problems: string[] = [];
    for (const r of records) {
      if (r.label === undefined) continue;
      const l = byId.get(r.label);
      if (!l || r.source !== l.source || r.event.ts < l.start || r.event.ts >= l.end)
        problems.push(`${r.label}: ${r.line}`);
      counted.set(r.label, (counted.get(r.label) ?? 0) + 1);
    }
    expect(problems.slice(0, 5)).toEqual([]);
    expect(labels.filter((l) => (counted.get(l.id) ?? 0) !== l.events).map((l) => l.id)).toEqual([]);
  });

  it('writes lines whose native fields agree with the event', () => {
    const syslog = /^([A-Z][a-z]{2}) ([ \d]\d) (\d\d):(\d\d):(\d\d) (\S+) ([^\s[:]+)(?:\[(\d+)\])?: (.*)$/;
    const trailKeys = [
      'eventVersion',
      'userIdentity',
      'eventTime',
      'eventSource',
      'eventName',
      'awsRegion',
      'sourceIPAddress',
      'userAgent',
      'requestParameters',
      'responseElements',
      'requestID',
      'eventID',
      'readOnly',
      'eventType',
      'managementEvent',
      'recipientAccountId',
      'eventCategory',
    ];
    const problems: string[] = [];
    const check = (ok: boolean, r: SynthRecord) => {
      if (!ok) problems.push(r.line);
    };
    for (const r of records) {
      const e = r.event;
      if (r.source === 'ec2.auth' || r.source === 'ec2.syslog') {
        const m = syslog.exec(r.line);
        if (!m) {
          check(false, r);
          continue;
        }
        const [, , day, hh, mm, ss, host, program, pid, message] = m;
        const d = new Date(e.ts);
        check(
          d.getUTCDate() === Number(day) &&
            d.getUTCHours() === Number(hh) &&
            d.getUTCMinutes() === Number(mm) &&
            d.getUTCSeconds() === Number(ss),
          r,
        );
        check(
          host === e.host && program === e.program && (pid === undefined ? e.pid === undefined : Number(pid) === e.pid),
          r,
        );
        check(message.trimStart() === e.message, r);
      } else if (r.source === 's3') {
        const f = r.line.match(/\[[^\]]*\]|"[^"]*"|\S+/g) ?? [];
        check(f.length === 26 && f[3] === e.srcIp && f[6] === e.action && f[9] === e.status, r);
      } else if (r.source === 'vpc') {
        const f = r.line.split(' ');
        check(f.length === 14 && Number(f[10]) * 1000 === e.ts && f[2] === e.resource, r);
      } else if (r.source === 'cloudtrail') {
        const rec = JSON.parse(r.line);
        check(trailKeys.every((k) => k in rec) && Date.parse(rec.eventTime) === e.ts, r);
      } else if (r.source === 'lambda') {
        const rec = JSON.parse(r.line);
        check(
          rec.timestamp === e.ts &&
            rec.logGroupName === `/aws/lambda/${e.resource}` &&
            rec.ingestionTime > rec.timestamp,
          r,
        );
      } else {
        check(Date.parse(JSON.parse(r.line).ts) === e.ts, r);
      }
    }
    expect(problems.slice(0, 5)).toEqual([]);
  });

  it('shows normal structure a detector must learn: background noise, seasonality, benign errors', () => {
    const normal = records.filter((r) => r.label === undefined);
    // Unlabelled internet SSH noise exists on public hosts.
    expect(normal.some((r) => r.event.action === 'ssh.invalid_user' || r.event.action === 'ssh.failed')).toBe(true);
    // Benign AccessDenied / 403s exist outside incidents.
    expect(normal.some((r) => r.source === 's3' && r.event.status === '403')).toBe(true);
    // Working hours: more CloudTrail calls by humans on weekdays than on weekends (per day).
    const humans = new Set(run.world.users.filter((u) => u.human).map((u) => u.identity.arn));
    let weekday = 0;
    let weekend = 0;
    for (const r of normal) {
      if (r.source !== 'cloudtrail' || !humans.has(r.event.principal ?? '')) continue;
      const dow = new Date(r.event.ts).getUTCDay();
      if (dow === 0 || dow === 6) weekend++;
      else weekday++;
    }
    expect(weekday / 5).toBeGreaterThan((weekend / 2) * 3);
  });
});
