import { spawn } from 'node:child_process';
import path from 'node:path';
import {
  CloudWatchLogsClient,
  CreateLogGroupCommand,
  CreateLogStreamCommand,
  DescribeLogGroupsCommand,
  PutLogEventsCommand,
  ThrottlingException,
} from '@aws-sdk/client-cloudwatch-logs';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalAws, startLocalAws } from './local-aws.ts';
import { clientConfig } from './testing.ts';

let aws: LocalAws;
const GROUP = '/vigil/faults';

beforeAll(async () => {
  aws = await startLocalAws();
  const setup = new CloudWatchLogsClient(clientConfig(aws));
  await setup.send(new CreateLogGroupCommand({ logGroupName: GROUP }));
  await setup.send(new CreateLogStreamCommand({ logGroupName: GROUP, logStreamName: 's' }));
  setup.destroy();
});
afterAll(() => aws.close());

const put = (client: CloudWatchLogsClient) =>
  client.send(
    new PutLogEventsCommand({
      logGroupName: GROUP,
      logStreamName: 's',
      logEvents: [{ timestamp: Date.now(), message: 'x' }],
    }),
  );

describe('signature checks', () => {
  it('rejects unsigned requests in each protocol’s own format', async () => {
    const json = await fetch(`${aws.endpoint}/`, {
      method: 'POST',
      headers: { 'x-amz-target': 'Logs_20140328.DescribeLogGroups', 'content-type': 'application/x-amz-json-1.1' },
      body: '{}',
    });
    expect(json.status).toBe(403);
    expect(await json.json()).toMatchObject({ __type: 'MissingAuthenticationTokenException' });

    const s3 = await fetch(`${aws.endpoint}/some-bucket/some-key`);
    expect(s3.status).toBe(403);
    expect(await s3.text()).toMatch(/<Error><Code>AccessDenied<\/Code><Message>Access Denied<\/Message>/);

    const query = await fetch(`${aws.endpoint}/`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'Action=Publish&Message=x',
    });
    expect(query.status).toBe(403);
    expect(await query.text()).toMatch(/<Code>MissingAuthenticationToken<\/Code>/);
  });

  it('rejects a malformed Authorization header', async () => {
    const res = await fetch(`${aws.endpoint}/`, {
      method: 'POST',
      headers: {
        'x-amz-target': 'AmazonSSM.ListCommands',
        authorization: 'AWS4-HMAC-SHA256 garbage',
        'x-amz-date': '20250101T000000Z',
      },
      body: '{}',
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ __type: 'IncompleteSignatureException' });
  });

  it('refuses services that are switched off', async () => {
    const only = await startLocalAws({ services: ['s3'] });
    const logs = new CloudWatchLogsClient({ ...clientConfig(only), maxAttempts: 1 });
    try {
      await expect(logs.send(new DescribeLogGroupsCommand({}))).rejects.toMatchObject({
        name: 'UnrecognizedClientException',
      });
    } finally {
      logs.destroy();
      await only.close();
    }
  });
});

describe('fault injection', () => {
  it('throttles per operation with a token bucket; ThrottlingException reaches the SDK', async () => {
    let now = 1_700_000_000_000;
    const local = await startLocalAws({ services: ['logs'], clock: { now: () => now } });
    const logs = new CloudWatchLogsClient({ ...clientConfig(local), maxAttempts: 1 });
    try {
      local.faults.throttle({ service: 'logs', operation: 'DescribeLogGroups', ratePerSecond: 2, burst: 2 });
      const call = () => logs.send(new DescribeLogGroupsCommand({}));
      await call();
      await call();
      const err = await call().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ThrottlingException);
      expect((err as ThrottlingException).$metadata.httpStatusCode).toBe(400);
      now += 500; // one token refills at 2/s
      await expect(call()).resolves.toBeDefined();
      expect(local.calls.list('logs', 'DescribeLogGroups').map((c) => c.errorCode ?? c.status)).toEqual([
        200,
        200,
        'ThrottlingException',
        200,
      ]);
    } finally {
      logs.destroy();
      await local.close();
    }
  });

  it("the SDK's retry strategy recovers from throttling, 503s and connection resets", async () => {
    const logs = new CloudWatchLogsClient({ ...clientConfig(aws), maxAttempts: 3 });
    try {
      aws.calls.clear();
      aws.faults.failNext({ service: 'logs', operation: 'PutLogEvents', count: 2, kind: 'Throttling' });
      const out = await put(logs);
      expect(out.$metadata.attempts).toBe(3);
      expect(aws.calls.list('logs', 'PutLogEvents').map((c) => c.errorCode ?? c.status)).toEqual([
        'ThrottlingException',
        'ThrottlingException',
        200,
      ]);

      aws.faults.failNext({ service: 'logs', count: 1 });
      expect((await put(logs)).$metadata.attempts).toBe(2);

      aws.faults.failNext({ service: 'logs', operation: 'PutLogEvents', count: 1, kind: 'ConnectionReset' });
      expect((await put(logs)).$metadata.attempts).toBe(2);
    } finally {
      logs.destroy();
    }
  });

  it('surfaces a forced 503 as ServiceUnavailableException and S3 throttling as SlowDown', async () => {
    const logs = new CloudWatchLogsClient({ ...clientConfig(aws), maxAttempts: 1 });
    const s3 = new S3Client({ ...clientConfig(aws), forcePathStyle: true, maxAttempts: 1 });
    try {
      aws.faults.failNext({ service: 'logs', operation: 'PutLogEvents', count: 1 });
      await expect(put(logs)).rejects.toMatchObject({
        name: 'ServiceUnavailableException',
        $metadata: { httpStatusCode: 503 },
      });
      aws.faults.failNext({ service: 's3', count: 1, kind: 'Throttling' });
      await expect(s3.send(new GetObjectCommand({ Bucket: 'b', Key: 'k' }))).rejects.toMatchObject({
        name: 'SlowDown',
        $metadata: { httpStatusCode: 503 },
      });
    } finally {
      logs.destroy();
      s3.destroy();
      aws.faults.clear();
    }
  });
});

describe('serve.ts', () => {
  it('prints the endpoint, serves real clients, and stops on SIGTERM', async () => {
    const root = path.resolve(import.meta.dirname, '../..');
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'test/localaws/serve.ts', '--port', '0', '--services', 'logs'],
      {
        cwd: root,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      const endpoint = await new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          if (out.includes('\n')) resolve(out.split('\n')[0]);
        });
        child.on('exit', (code) => reject(new Error(`serve.ts exited with ${code}`)));
      });
      expect(endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const logs = new CloudWatchLogsClient({ ...clientConfig({ endpoint }), maxAttempts: 1 });
      await logs.send(new CreateLogGroupCommand({ logGroupName: 'cli' }));
      expect((await logs.send(new DescribeLogGroupsCommand({}))).logGroups!.map((g) => g.logGroupName)).toEqual([
        'cli',
      ]);
      logs.destroy();
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
  });

  it('names a bad flag', async () => {
    const root = path.resolve(import.meta.dirname, '../..');
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/localaws/serve.ts', '--services', 'logs,ec2'], {
      cwd: root,
    });
    let err = '';
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString();
    });
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code).toBe(2);
    expect(err).toContain("unknown service 'ec2'");
  });
});
