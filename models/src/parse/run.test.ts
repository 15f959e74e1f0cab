import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LogEvent } from '../schema/event.ts';
import { detectFormat } from './detect.ts';
import { type ErrorRecord, parsePaths } from './run.ts';

let dir: string;

const CT = (name: string, time: string) =>
  ({
    eventVersion: '1.08',
    eventTime: time,
    eventSource: 'iam.amazonaws.com',
    eventName: name,
    awsRegion: 'us-east-1',
  }) as const;

function write(rel: string, content: string | Buffer) {
  const p = path.join(dir, rel);
  mkdirSync(path.dirname(p), { recursive: true });
  writeFileSync(p, content);
}

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'vigil-parse-'));
  write('manifest.json', JSON.stringify({ seed: 1, start: '2024-12-30T00:00:00Z' }));
  write('labels.jsonl', '{"id":"l1"}\n');
  write(
    'ec2/web-1/auth.log',
    [
      'Dec 31 23:59:59 web-1 sshd[1]: Failed password for root from 1.2.3.4 port 22 ssh2',
      '',
      'Jan  1 00:00:01 web-1 sshd[1]: Accepted publickey for ubuntu from 10.0.0.5 port 50000 ssh2',
      'garbage line',
      '',
    ].join('\n'),
  );
  write('ec2/web-1/syslog', 'Jan  1 00:01:00 web-1 CRON[7]: (root) CMD (run-parts /etc/cron.hourly)\r\n');
  write(
    'ec2/web-1/process.jsonl',
    '{"ts":"2025-01-01T00:00:00Z","host":"web-1","pid":1,"user":"root","comm":"init","exe":"/sbin/init"}\n',
  );
  write(
    'ec2/web-1/disk.jsonl',
    '{"ts":"2025-01-01T00:00:00Z","host":"web-1","mount":"/","sizeBytes":10,"usedBytes":5}\n',
  );
  write(
    'lambda/orders-api.jsonl',
    `${JSON.stringify({ logGroupName: '/aws/lambda/orders-api', logStreamName: 's', timestamp: 1735689600000, message: 'END RequestId: r1\n', ingestionTime: 1, eventId: '1' })}\n`,
  );
  write(
    's3/bucket.log',
    'owner bkt [01/Jan/2025:00:00:00 +0000] 1.2.3.4 - R1 REST.GET.OBJECT k "GET /k HTTP/1.1" 200 - 10 10 3 1 "-" "curl/8" - HID SigV4 ECDHE AuthHeader host TLSv1.2\n',
  );
  write(
    'vpc/flowlogs.log',
    'version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status\n2 123456789010 eni-1 1.2.3.4 10.0.0.5 4444 22 6 3 180 1735689600 1735689660 REJECT OK\n',
  );
  write(
    'cloudtrail/events.jsonl',
    `${JSON.stringify(CT('CreateUser', '2025-01-01T00:00:00Z'))}\n{"eventName": oops}\n`,
  );
  const delivered = JSON.stringify(
    { Records: [CT('CreateAccessKey', '2025-01-01T00:01:00Z'), CT('StopLogging', '2025-01-01T00:02:00Z')] },
    null,
    2,
  );
  write('cloudtrail/111122223333_CloudTrail_us-east-2_20250101T0010Z_abc.json.gz', gzipSync(delivered));
  write('notes/README.txt', 'this is not a log\nat all\n');
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('parsePaths over a dataset directory', () => {
  it('parses every format, skips labels/manifest, and accounts for every line', async () => {
    const events: LogEvent[] = [];
    const errors: ErrorRecord[] = [];
    const s = await parsePaths([dir], { event: (e) => events.push(e), error: (e) => errors.push(e) });
    expect(s.lines).toBe(s.events + s.errors + s.skipped);
    expect(s.files).toBe(10);
    expect(s.byFormat.syslog).toEqual({ lines: 5, events: 3, errors: 1, skipped: 1 });
    expect(s.byFormat.vpc).toEqual({ lines: 2, events: 1, errors: 0, skipped: 1 });
    expect(s.byFormat.cloudtrail).toEqual({ lines: 4, events: 3, errors: 1, skipped: 0 });
    expect(s.byFormat.unknown).toEqual({ lines: 2, events: 0, errors: 2, skipped: 0 });
    for (const f of ['process', 'disk', 'lambda', 's3'] as const) expect(s.byFormat[f]?.events, f).toBe(1);
    const auth = events.filter((e) => e.source === 'ec2.auth');
    expect(auth.map((e) => new Date(e.ts).toISOString())).toEqual([
      '2024-12-31T23:59:59.000Z',
      '2025-01-01T00:00:01.000Z',
    ]);
    expect(events.find((e) => e.action === 'cron.command')?.source).toBe('ec2.syslog');
    expect(events.filter((e) => e.source === 'cloudtrail').map((e) => e.action)).toEqual([
      'CreateAccessKey',
      'StopLogging',
      'CreateUser',
    ]);
    expect(events.find((e) => e.source === 'lambda')?.resource).toBe('orders-api');
    const where = errors.map((e) => [path.relative(dir, e.file), e.line, e.code]);
    expect(where).toEqual([
      ['cloudtrail/events.jsonl', 2, 'bad_json'],
      ['ec2/web-1/auth.log', 4, 'bad_header'],
      ['notes/README.txt', 1, 'unsupported'],
    ]);
    expect(s.errorSamples).toHaveLength(3);
  });

  it('honours a forced format and an explicit year', async () => {
    const events: LogEvent[] = [];
    const s = await parsePaths(
      [path.join(dir, 'ec2/web-1/auth.log')],
      { event: (e) => events.push(e) },
      { format: 'syslog', year: 2019 },
    );
    expect(s.events).toBe(2);
    expect(new Date(events[0].ts).getUTCFullYear()).toBe(2019);
    expect(new Date(events[1].ts).getUTCFullYear()).toBe(2020);
  });

  it('reports a corrupt gzip file instead of crashing', async () => {
    write('bad/x.log.gz', Buffer.concat([gzipSync('Jan  1 00:00:00 h a: b\n'.repeat(1000)).subarray(0, 40)]));
    const errors: ErrorRecord[] = [];
    const s = await parsePaths(
      [path.join(dir, 'bad')],
      { event: () => {}, error: (e) => errors.push(e) },
      { format: 'syslog' },
    );
    expect(s.errors).toBeGreaterThan(0);
    expect(errors.at(-1)?.code).toBe('unreadable');
    expect(s.lines).toBe(s.events + s.errors + s.skipped);
  });
});

describe('detectFormat', () => {
  it('recognises each format from content, and the layout from names', () => {
    expect(detectFormat(['Dec 10 06:55:46 LabSZ sshd[24200]: x'])).toBe('syslog');
    expect(detectFormat(['2 123456789010 eni-1 1.2.3.4 5.6.7.8 1 2 6 1 1 100 160 ACCEPT OK'])).toBe('vpc');
    expect(detectFormat(['version account-id interface-id'])).toBe('vpc');
    expect(
      detectFormat([
        'o b [06/Feb/2019:00:00:38 +0000] 1.2.3.4 r id REST.GET.OBJECT k "GET / HTTP/1.1" 200 - 1 1 1 1 "-" "ua" -',
      ]),
    ).toBe('s3');
    expect(detectFormat(['{"eventVersion":"1.08","eventName":"X"}'])).toBe('cloudtrail');
    expect(detectFormat(['{', '  "Records": ['])).toBe('cloudtrail');
    expect(detectFormat(['{"__REALTIME_TIMESTAMP":"1","MESSAGE":"x"}'])).toBe('syslog');
    expect(detectFormat(['{"logGroupName":"/aws/lambda/f","message":"START RequestId: x","timestamp":1}'])).toBe(
      'lambda',
    );
    expect(detectFormat(['{"ts":1,"mount":"/","usedBytes":1}'])).toBe('disk');
    expect(detectFormat(['{"ts":1,"pid":1,"comm":"x"}'])).toBe('process');
    expect(detectFormat(['START RequestId: 1 Version: $LATEST'])).toBe('lambda');
    expect(detectFormat([], 'ds/ec2/web-1/auth.log')).toBe('syslog');
    expect(detectFormat(['hello world'])).toBeUndefined();
  });
});
