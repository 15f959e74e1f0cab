import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { LogEventSchema } from '../../schema/event.ts';
import { compileValidator } from '../../schema/validate.ts';
import { Rng } from '../rng.ts';
import {
  pamAuthFailure,
  pamMoreFailures,
  sessionLine,
  sshAccepted,
  sshBreakIn,
  sshDisconnect,
  sshFailed,
  sshInvalidUser,
  sudoCommand,
} from './auth-lines.ts';
import { trailRecord } from './cloudtrail.ts';
import { lambdaReport, lambdaTimeout } from './lambda.ts';
import { s3Record } from './s3.ts';
import { syslogRecord } from './syslog.ts';
import { flowRecord, noDataRecord } from './vpc.ts';

const checkEvent = compileValidator(LogEventSchema);
const T = Date.UTC(2025, 2, 7, 9, 5, 3, 456);
const auth = (m: Parameters<typeof syslogRecord>[3]) => syslogRecord('ec2.auth', 'ip-10-0-0-10', T, m);

describe('syslog lines', () => {
  it('writes an RFC 3164 header with a space-padded day and whole seconds', () => {
    const r = auth(sshFailed(4242, 'root', false, '203.0.113.7', 51234));
    expect(r.line).toBe(
      'Mar  7 09:05:03 ip-10-0-0-10 sshd[4242]: Failed password for root from 203.0.113.7 port 51234 ssh2',
    );
    expect(r.event).toMatchObject({
      ts: Date.UTC(2025, 2, 7, 9, 5, 3),
      host: 'ip-10-0-0-10',
      program: 'sshd',
      pid: 4242,
      action: 'ssh.failed',
      outcome: 'failure',
      principal: 'root',
      srcIp: '203.0.113.7',
      srcPort: 51234,
      attrs: { method: 'password', invalidUser: false },
    });
    expect(r.event.raw).toBe(r.line);
    checkEvent(r.event, 'event');
  });

  it('writes the sshd variants real servers log', () => {
    const ip = '198.51.100.9';
    const lines = [
      auth(sshAccepted(1, 'alice', 'publickey', ip, 40000, 'SHA256:abc')).line,
      auth(sshFailed(1, 'admin', true, ip, 40000)).line,
      auth(sshInvalidUser(1, 'oracle', ip, 40001)).line,
      auth(pamAuthFailure(1, 'sshd', ip, 'root')).line,
      auth(pamMoreFailures(1, 2, ip, 'root')).line,
      auth(sshBreakIn(1, ip, 'host-198-51-100-9.example.net')).line,
      auth(sshDisconnect(1, 'closed', ip, 40002)).line,
      auth(sshDisconnect(1, 'bye', ip, 40003)).line,
      auth(sessionLine('sshd', 1, true, 'alice', 1001)).line,
      auth(sudoCommand('bob', 'pts/0', '/home/bob', 'root', '/usr/bin/apt-get update')).line,
    ];
    const patterns = [
      /sshd\[1\]: Accepted publickey for alice from 198\.51\.100\.9 port 40000 ssh2: ED25519 SHA256:abc$/,
      /sshd\[1\]: Failed password for invalid user admin from 198\.51\.100\.9 port 40000 ssh2$/,
      /sshd\[1\]: Invalid user oracle from 198\.51\.100\.9 port 40001$/,
      /sshd\[1\]: pam_unix\(sshd:auth\): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=198\.51\.100\.9 {2}user=root$/,
      /sshd\[1\]: PAM 2 more authentication failures; logname= uid=0 euid=0 tty=ssh ruser= rhost=198\.51\.100\.9 {2}user=root$/,
      /sshd\[1\]: reverse mapping checking getaddrinfo for host-198-51-100-9\.example\.net \[198\.51\.100\.9\] failed - POSSIBLE BREAK-IN ATTEMPT!$/,
      /sshd\[1\]: Connection closed by 198\.51\.100\.9 port 40002 \[preauth\]$/,
      /sshd\[1\]: Received disconnect from 198\.51\.100\.9 port 40003:11: Bye Bye \[preauth\]$/,
      /sshd\[1\]: pam_unix\(sshd:session\): session opened for user alice\(uid=1001\) by \(uid=0\)$/,
      / sudo: {6}bob : TTY=pts\/0 ; PWD=\/home\/bob ; USER=root ; COMMAND=\/usr\/bin\/apt-get update$/,
    ];
    lines.forEach((l, i) => {
      expect(l).toMatch(patterns[i]);
    });
  });

  it('keeps sudo padding out of the message and the command in resource', () => {
    const r = auth(sudoCommand('bob', 'pts/0', '/home/bob', 'root', '/usr/bin/df -h'));
    expect(r.event.message).toBe('bob : TTY=pts/0 ; PWD=/home/bob ; USER=root ; COMMAND=/usr/bin/df -h');
    expect(r.event).toMatchObject({
      principal: 'bob',
      resource: '/usr/bin/df -h',
      attrs: { runAs: 'root', tty: 'pts/0', pwd: '/home/bob' },
    });
  });
});

/** Split an access log line into fields, keeping [time] and "quoted" fields whole. */
function s3Fields(line: string): string[] {
  return line.match(/\[[^\]]*\]|"[^"]*"|\S+/g) ?? [];
}

describe('S3 server access log', () => {
  it('writes 26 fields in AWS order and an event that agrees with them', () => {
    const rng = new Rng(1, 's3');
    const r = s3Record(
      'a'.repeat(64),
      {
        bucket: 'acme-customer-data',
        ts: T,
        ip: '203.0.113.7',
        requester: 'arn:aws:iam::123456789012:user/bob',
        operation: 'REST.GET.OBJECT',
        key: 'pii/customers/shard-00001.json.gz',
        method: 'GET',
        status: 200,
        bytesSent: 5000,
        objectSize: 5000,
        totalMs: 31,
        turnaroundMs: 9,
        userAgent: 'aws-cli/2.0',
        region: 'us-east-1',
      },
      rng,
    );
    const f = s3Fields(r.line);
    expect(f).toHaveLength(26);
    expect(f[2]).toBe('[07/Mar/2025:09:05:03 +0000]');
    expect(f.slice(3, 10)).toEqual([
      '203.0.113.7',
      'arn:aws:iam::123456789012:user/bob',
      f[5],
      'REST.GET.OBJECT',
      'pii/customers/shard-00001.json.gz',
      '"GET /acme-customer-data/pii/customers/shard-00001.json.gz HTTP/1.1"',
      '200',
    ]);
    expect(f[5]).toMatch(/^[0-9A-F]{16}$/);
    expect(r.event).toMatchObject({
      ts: Date.UTC(2025, 2, 7, 9, 5, 3),
      principal: 'arn:aws:iam::123456789012:user/bob',
      srcIp: '203.0.113.7',
      action: 'REST.GET.OBJECT',
      status: '200',
      outcome: 'success',
      resource: 'acme-customer-data/pii/customers/shard-00001.json.gz',
      bytes: 5000,
      durationMs: 31,
    });
    checkEvent(r.event, 'event');
  });

  it('writes - for absent values and no principal for anonymous requests', () => {
    const r = s3Record(
      'b'.repeat(64),
      {
        bucket: 'acme-web-assets',
        ts: T,
        ip: '130.176.1.2',
        operation: 'REST.GET.OBJECT',
        key: 'x.js',
        method: 'GET',
        status: 403,
        errorCode: 'AccessDenied',
        totalMs: 4,
        userAgent: 'curl/8.5.0',
        region: 'us-east-1',
      },
      new Rng(2, 's3'),
    );
    const f = s3Fields(r.line);
    expect(f[4]).toBe('-');
    expect(f[10]).toBe('AccessDenied');
    expect(f[11]).toBe('-');
    expect(r.event.principal).toBeUndefined();
    expect(r.event.bytes).toBeUndefined();
    expect(r.event.outcome).toBe('failure');
  });
});

describe('VPC flow logs', () => {
  it('writes the 14 fields of the default format', () => {
    const r = flowRecord('123456789012', {
      eni: 'eni-0123456789abcdef0',
      src: '10.0.1.23',
      dst: '52.94.1.1',
      srcPort: 40000,
      dstPort: 443,
      protocol: 6,
      packets: 10,
      bytes: 8400,
      start: 1741338303,
      end: 1741338360,
      action: 'ACCEPT',
    });
    expect(r.line.split(' ')).toHaveLength(14);
    expect(r.line).toBe(
      '2 123456789012 eni-0123456789abcdef0 10.0.1.23 52.94.1.1 40000 443 6 10 8400 1741338303 1741338360 ACCEPT OK',
    );
    expect(r.event).toMatchObject({
      ts: 1741338303000,
      durationMs: 57000,
      status: 'ACCEPT',
      outcome: 'success',
      resource: 'eni-0123456789abcdef0',
      attrs: { logStatus: 'OK' },
    });
    const nd = noDataRecord('123456789012', 'eni-0123456789abcdef0', 1741338303, 1741338363, 'NODATA');
    expect(nd.line.split(' ')).toHaveLength(14);
    expect(nd.event.outcome).toBe('unknown');
  });
});

describe('Lambda CloudWatch events', () => {
  const c = {
    fn: 'orders-api',
    stream: '2025/03/07/[$LATEST]0123456789abcdef0123456789abcdef',
    requestId: '6f1c2d3e-4b5a-4c7d-8e9f-0a1b2c3d4e5f',
  };

  it('writes REPORT with Init Duration on cold starts and maps a full memory to lambda.oom', () => {
    const rng = new Rng(3, 'l');
    const ok = lambdaReport(c, T, { durationMs: 12.345, memoryLimitMb: 128, maxMemoryMb: 70, initMs: 150.1 }, rng);
    const msg = JSON.parse(ok.line).message as string;
    expect(msg).toBe(
      `REPORT RequestId: ${c.requestId}\tDuration: 12.35 ms\tBilled Duration: 13 ms\tMemory Size: 128 MB\tMax Memory Used: 70 MB\tInit Duration: 150.10 ms`,
    );
    expect(ok.event).toMatchObject({
      action: 'lambda.report',
      outcome: 'success',
      durationMs: 12.35,
      memoryMb: 70,
      memoryLimitMb: 128,
      resource: 'orders-api',
      attrs: { billedMs: 13, initMs: 150.1, requestId: c.requestId },
    });
    const oom = lambdaReport(c, T, { durationMs: 900, memoryLimitMb: 128, maxMemoryMb: 128, status: 'error' }, rng);
    expect(oom.event).toMatchObject({ action: 'lambda.oom', outcome: 'failure' });
    const line = JSON.parse(ok.line);
    expect(Object.keys(line)).toEqual([
      'logGroupName',
      'logStreamName',
      'timestamp',
      'message',
      'ingestionTime',
      'eventId',
    ]);
    expect(line.logGroupName).toBe('/aws/lambda/orders-api');
    expect(line.eventId).toMatch(/^\d{56}$/);
  });

  it('writes the runtime timeout line', () => {
    const r = lambdaTimeout(c, T, 6, new Rng(4, 'l'));
    expect(JSON.parse(r.line).message).toBe(
      `2025-03-07T09:05:03.456Z ${c.requestId} Task timed out after 6.00 seconds`,
    );
    expect(r.event).toMatchObject({ action: 'lambda.timeout', outcome: 'failure', attrs: { timeoutS: 6 } });
  });
});

describe('CloudTrail records', () => {
  it('carries the required keys in CloudTrail order and derives the event', () => {
    const id = {
      type: 'AssumedRole' as const,
      arn: 'arn:aws:sts::123456789012:assumed-role/Admin/alice',
      principalId: 'AROAEXAMPLE:alice',
      accessKeyId: 'ASIAEXAMPLE',
      roleArn: 'arn:aws:iam::123456789012:role/Admin',
      roleName: 'Admin',
      rolePrincipalId: 'AROAEXAMPLE',
      mfa: true,
    };
    const r = trailRecord(
      '123456789012',
      {
        ts: T,
        caller: { kind: 'identity', id },
        eventSource: 'iam.amazonaws.com',
        eventName: 'CreateUser',
        region: 'us-east-1',
        sourceIp: '203.0.113.7',
        userAgent: 'aws-cli/2',
        readOnly: false,
        requestParameters: { userName: 'mallory' },
        errorCode: 'AccessDenied',
        errorMessage: 'denied',
      },
      new Rng(5, 'ct'),
    );
    const rec = JSON.parse(r.line);
    for (const k of [
      'eventVersion',
      'userIdentity',
      'eventTime',
      'eventSource',
      'eventName',
      'awsRegion',
      'sourceIPAddress',
      'userAgent',
      'errorCode',
      'errorMessage',
      'requestParameters',
      'responseElements',
      'requestID',
      'eventID',
      'readOnly',
      'eventType',
      'managementEvent',
      'recipientAccountId',
      'eventCategory',
    ]) {
      expect(rec).toHaveProperty(k);
    }
    expect(Object.keys(rec.userIdentity)).toEqual([
      'type',
      'principalId',
      'arn',
      'accountId',
      'accessKeyId',
      'sessionContext',
    ]);
    expect(rec.eventTime).toBe('2025-03-07T09:05:03Z');
    expect(r.event).toMatchObject({
      ts: Date.UTC(2025, 2, 7, 9, 5, 3),
      action: 'CreateUser',
      program: 'iam.amazonaws.com',
      principal: id.arn,
      account: '123456789012',
      status: 'AccessDenied',
      outcome: 'failure',
      resource: 'mallory',
      srcIp: '203.0.113.7',
      attrs: { principalType: 'AssumedRole', mfa: true, readOnly: false, eventId: rec.eventID },
    });
  });

  it('names an AWS service caller by invokedBy and keeps a service source address out of srcIp', () => {
    const r = trailRecord(
      '123456789012',
      {
        ts: T,
        caller: { kind: 'service', service: 'lambda.amazonaws.com' },
        eventSource: 'sts.amazonaws.com',
        eventName: 'AssumeRole',
        region: 'us-east-1',
        sourceIp: 'lambda.amazonaws.com',
        userAgent: 'lambda.amazonaws.com',
        readOnly: true,
      },
      new Rng(6, 'ct'),
    );
    expect(r.event.principal).toBe('lambda.amazonaws.com');
    expect(r.event.srcIp).toBeUndefined();
    expect(r.event.attrs?.sourceService).toBe('lambda.amazonaws.com');
    expect(r.event.status).toBe('OK');
  });
});

describe('shape against the AWS documentation samples (../shared/data)', () => {
  const repoRoot = path.resolve(import.meta.dirname, '../../../..');
  const dir = path.resolve(repoRoot, '../shared/data', 'awsdocs-examples');
  const have = existsSync(dir);
  if (!have) console.warn(`skipping AWS sample comparison: ${dir} not found`);

  it.skipIf(!have)('VPC v2 lines have the same per-field syntax as AWS examples', () => {
    const field = [
      /^2$/,
      /^\d{12}$/,
      /^eni-[0-9a-f]+$/,
      /^[\d.:a-f-]+$/,
      /^[\d.:a-f-]+$/,
      /^(\d+|-)$/,
      /^(\d+|-)$/,
      /^(\d+|-)$/,
      /^(\d+|-)$/,
      /^(\d+|-)$/,
      /^\d{10}$/,
      /^\d{10}$/,
      /^(ACCEPT|REJECT|-)$/,
      /^(OK|NODATA|SKIPDATA)$/,
    ];
    const real = readFileSync(path.join(dir, 'vpc_flow_records_extracted.log'), 'utf8')
      .split('\n')
      .filter((l) => l.startsWith('2 '));
    const ours = [
      flowRecord('123456789012', {
        eni: 'eni-0123456789abcdef0',
        src: '10.0.1.23',
        dst: '52.94.1.1',
        srcPort: 40000,
        dstPort: 443,
        protocol: 6,
        packets: 10,
        bytes: 8400,
        start: 1741338303,
        end: 1741338360,
        action: 'REJECT',
      }).line,
      noDataRecord('123456789012', 'eni-0123456789abcdef0', 1741338303, 1741338363, 'SKIPDATA').line,
    ];
    expect(real.length).toBeGreaterThan(3);
    for (const line of [...real, ...ours]) {
      const f = line.split(' ');
      expect(f, line).toHaveLength(14);
      f.forEach((v, i) => {
        expect(v, `${line} field ${i}`).toMatch(field[i]);
      });
    }
  });

  it.skipIf(!have)(
    'S3 lines tokenize like AWS examples up to the TLS version, then add access point ARN and ACL',
    () => {
      const real = readFileSync(path.join(dir, 's3_access_records_extracted.log'), 'utf8').split('\n').filter(Boolean);
      const ours = s3Record(
        'a'.repeat(64),
        {
          bucket: 'awsexamplebucket1',
          ts: T,
          ip: '192.0.2.3',
          requester: 'arn:aws:iam::123456789012:user/bob',
          operation: 'REST.PUT.OBJECT',
          key: 's3-dg.pdf',
          method: 'PUT',
          status: 200,
          objectSize: 4406583,
          totalMs: 41754,
          turnaroundMs: 28,
          userAgent: 'S3Console/0.4',
          region: 'us-west-1',
        },
        new Rng(8, 's3'),
      ).line;
      const syntax = (f: string[]) => [
        f[2].startsWith('[') && f[2].endsWith('+0000]'),
        f[8].startsWith('"') && f[8].endsWith(' HTTP/1.1"'),
        /^\d{3}$/.test(f[9]),
        f[15].startsWith('"'),
        f[16].startsWith('"'),
      ];
      for (const line of real) {
        const f = s3Fields(line);
        expect(f).toHaveLength(24);
        expect(syntax(f)).toEqual([true, true, true, true, true]);
      }
      const f = s3Fields(ours);
      expect(f).toHaveLength(26);
      expect(syntax(f)).toEqual([true, true, true, true, true]);
      expect(f.slice(24)).toEqual(['-', '-']);
    },
  );
});
