import {
  CloudWatchLogsClient,
  CreateLogGroupCommand,
  CreateLogStreamCommand,
  DescribeLogGroupsCommand,
  DescribeLogStreamsCommand,
  FilterLogEventsCommand,
  GetLogEventsCommand,
  type InputLogEvent,
  InvalidParameterException,
  PutLogEventsCommand,
  PutRetentionPolicyCommand,
  paginateDescribeLogGroups,
  paginateFilterLogEvents,
  ResourceAlreadyExistsException,
  ResourceNotFoundException,
} from '@aws-sdk/client-cloudwatch-logs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalAws, startLocalAws } from './local-aws.ts';
import { clientConfig } from './testing.ts';

let aws: LocalAws;
let logs: CloudWatchLogsClient;
const HOUR = 3600_000;
const DAY = 24 * HOUR;

beforeAll(async () => {
  aws = await startLocalAws({ services: ['logs'] });
  logs = new CloudWatchLogsClient({ ...clientConfig(aws), maxAttempts: 1 });
});
afterAll(async () => {
  logs.destroy();
  await aws.close();
});

async function newStream(group: string, stream = 'web-1'): Promise<void> {
  await logs.send(new CreateLogGroupCommand({ logGroupName: group }));
  await logs.send(new CreateLogStreamCommand({ logGroupName: group, logStreamName: stream }));
}

function events(n: number, start: number, step = 1, text = (i: number) => `event ${i}`): InputLogEvent[] {
  return Array.from({ length: n }, (_, i) => ({ timestamp: start + i * step, message: text(i) }));
}

async function rejection(p: Promise<unknown>): Promise<Error & { $metadata?: { httpStatusCode?: number } }> {
  return p.then(
    () => {
      throw new Error('expected the call to fail');
    },
    (err: Error) => err,
  );
}

describe('log groups and streams', () => {
  it('creates, refuses duplicates and reports missing resources with the AWS error types', async () => {
    await newStream('/vigil/groups/a');
    const dup = await rejection(logs.send(new CreateLogGroupCommand({ logGroupName: '/vigil/groups/a' })));
    expect(dup).toBeInstanceOf(ResourceAlreadyExistsException);
    const dupStream = await rejection(
      logs.send(new CreateLogStreamCommand({ logGroupName: '/vigil/groups/a', logStreamName: 'web-1' })),
    );
    expect(dupStream).toBeInstanceOf(ResourceAlreadyExistsException);
    const missing = await rejection(
      logs.send(new CreateLogStreamCommand({ logGroupName: '/vigil/nope', logStreamName: 's' })),
    );
    expect(missing).toBeInstanceOf(ResourceNotFoundException);
    expect(missing.$metadata?.httpStatusCode).toBe(400);
    const bad = await rejection(logs.send(new CreateLogGroupCommand({ logGroupName: 'has space' })));
    expect(bad).toBeInstanceOf(InvalidParameterException);
    expect(bad.message).toContain("at 'logGroupName'");
  });

  it('pages DescribeLogGroups by prefix and orders streams by last event time', async () => {
    for (let i = 0; i < 5; i++) await logs.send(new CreateLogGroupCommand({ logGroupName: `/vigil/page/${i}` }));
    const names: string[] = [];
    for await (const page of paginateDescribeLogGroups(
      { client: logs, pageSize: 2 },
      { logGroupNamePrefix: '/vigil/page/' },
    )) {
      expect(page.logGroups!.length).toBeLessThanOrEqual(2);
      names.push(...page.logGroups!.map((g) => g.logGroupName!));
    }
    expect(names).toEqual(['/vigil/page/0', '/vigil/page/1', '/vigil/page/2', '/vigil/page/3', '/vigil/page/4']);
    const described = await logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: '/vigil/page/0' }));
    expect(described.logGroups![0].arn).toMatch(/^arn:aws:logs:us-east-1:000000000000:log-group:\/vigil\/page\/0:\*$/);

    await newStream('/vigil/order', 'a');
    await logs.send(new CreateLogStreamCommand({ logGroupName: '/vigil/order', logStreamName: 'b' }));
    const now = Date.now();
    await logs.send(
      new PutLogEventsCommand({ logGroupName: '/vigil/order', logStreamName: 'a', logEvents: events(1, now) }),
    );
    await logs.send(
      new PutLogEventsCommand({ logGroupName: '/vigil/order', logStreamName: 'b', logEvents: events(1, now - HOUR) }),
    );
    const streams = await logs.send(
      new DescribeLogStreamsCommand({ logGroupName: '/vigil/order', orderBy: 'LastEventTime', descending: true }),
    );
    expect(streams.logStreams!.map((s) => s.logStreamName)).toEqual(['a', 'b']);
    expect(streams.logStreams![0].lastEventTimestamp).toBe(now);
  });
});

describe('PutLogEvents limits', () => {
  const group = '/vigil/limits';
  beforeAll(() => newStream(group));
  const put = (logEvents: InputLogEvent[], logStreamName = 'web-1') =>
    logs.send(new PutLogEventsCommand({ logGroupName: group, logStreamName, logEvents }));

  it('accepts 10,000 events and rejects 10,001 with InvalidParameterException', async () => {
    const now = Date.now();
    await expect(put(events(10_000, now - HOUR, 0))).resolves.toMatchObject({ $metadata: { httpStatusCode: 200 } });
    const err = await rejection(put(events(10_001, now - HOUR, 0)));
    expect(err).toBeInstanceOf(InvalidParameterException);
    expect(err.message).toContain('logEvents');
  });

  it('counts UTF-8 bytes + 26 per event against 1,048,576 bytes', async () => {
    const now = Date.now();
    // one event of 1,048,550 bytes (2-byte characters) + 26 = exactly the limit
    await expect(put([{ timestamp: now, message: 'é'.repeat(524_275) }])).resolves.toBeDefined();
    const over = await rejection(put([{ timestamp: now, message: `${'é'.repeat(524_275)}x` }]));
    expect(over).toBeInstanceOf(InvalidParameterException);
    expect(over.message).toBe('Upload too large: 1048577 bytes exceeds limit of 1048576');
    // many small events: 1,000 events of 1,023 bytes = 1,049,000 bytes with overhead
    const many = await rejection(put(events(1000, now, 0, () => 'x'.repeat(1023))));
    expect(many.message).toContain('Upload too large: 1049000 bytes');
  });

  it('rejects out-of-order batches and batches spanning more than 24 hours', async () => {
    const now = Date.now();
    const unordered = await rejection(
      put([
        { timestamp: now, message: 'b' },
        { timestamp: now - 1, message: 'a' },
      ]),
    );
    expect(unordered).toBeInstanceOf(InvalidParameterException);
    expect(unordered.message).toMatch(/chronological order/);
    const span = await rejection(
      put([
        { timestamp: now - DAY - 1, message: 'a' },
        { timestamp: now, message: 'b' },
      ]),
    );
    expect(span.message).toMatch(/cannot span more than 24 hours/);
  });

  it('reports too-old and too-new events in rejectedLogEventsInfo and stores the rest', async () => {
    await logs.send(new CreateLogStreamCommand({ logGroupName: group, logStreamName: 'ages' }));
    const now = Date.now();
    const batch = [
      { timestamp: now - 15 * DAY, message: 'too old 1' },
      { timestamp: now - 14 * DAY - 1000, message: 'too old 2' },
      { timestamp: now - 1000, message: 'kept 1' },
      { timestamp: now, message: 'kept 2' },
      { timestamp: now + 3 * HOUR, message: 'too new' },
    ];
    const out = await put(batch, 'ages');
    expect(out.rejectedLogEventsInfo).toEqual({ tooOldLogEventEndIndex: 2, tooNewLogEventStartIndex: 4 });
    expect(aws.state.logs.eventsOf(group, 'ages').map((e) => e.message)).toEqual(['kept 1', 'kept 2']);
  });

  it('reports events older than the retention period as expired', async () => {
    await newStream('/vigil/retention');
    await logs.send(new PutRetentionPolicyCommand({ logGroupName: '/vigil/retention', retentionInDays: 1 }));
    const now = Date.now();
    const out = await logs.send(
      new PutLogEventsCommand({
        logGroupName: '/vigil/retention',
        logStreamName: 'web-1',
        logEvents: [
          { timestamp: now - 2 * DAY, message: 'expired' },
          { timestamp: now, message: 'fresh' },
        ],
        sequenceToken: 'ignored-as-aws-does',
      }),
    );
    expect(out.rejectedLogEventsInfo).toEqual({ expiredLogEventEndIndex: 1 });
  });

  it('fails on a missing stream with ResourceNotFoundException', async () => {
    const err = await rejection(put(events(1, Date.now()), 'no-such-stream'));
    expect(err).toBeInstanceOf(ResourceNotFoundException);
    expect(err.message).toBe('The specified log stream does not exist.');
  });
});

describe('GetLogEvents', () => {
  const group = '/vigil/get';
  const total = 2500;
  let base: number;
  beforeAll(async () => {
    await newStream(group);
    base = Date.now() - 2 * HOUR;
    for (let i = 0; i < total; i += 1000) {
      const n = Math.min(1000, total - i);
      await logs.send(
        new PutLogEventsCommand({
          logGroupName: group,
          logStreamName: 'web-1',
          logEvents: events(n, base + i, 1, (k) => `m${i + k}`),
        }),
      );
    }
  });
  const get = (input: { nextToken?: string; startFromHead?: boolean; limit?: number }) =>
    logs.send(new GetLogEventsCommand({ logGroupName: group, logStreamName: 'web-1', ...input }));

  it('pages forward from the head: every event once, then the same token at the end', async () => {
    const seen: string[] = [];
    let token: string | undefined;
    let page = await get({ startFromHead: true, limit: 700 });
    for (let i = 0; i < 10 && page.events!.length > 0; i++) {
      seen.push(...page.events!.map((e) => e.message!));
      token = page.nextForwardToken;
      page = await get({ nextToken: token, limit: 700 });
    }
    expect(seen).toEqual(Array.from({ length: total }, (_, i) => `m${i}`));
    expect(page.events).toEqual([]);
    expect(page.nextForwardToken).toBe(token);
  });

  it('pages backward from the tail, each page in ascending order', async () => {
    const pages: string[][] = [];
    let page = await get({ limit: 1000 });
    while (page.events!.length > 0 && pages.length < 10) {
      pages.push(page.events!.map((e) => e.message!));
      page = await get({ nextToken: page.nextBackwardToken, limit: 1000 });
    }
    expect(pages.map((p) => p.length)).toEqual([1000, 1000, 500]);
    expect(pages.reverse().flat()).toEqual(Array.from({ length: total }, (_, i) => `m${i}`));
  });

  it('lets a tailing reader poll its forward token for new events only', async () => {
    const tail = await get({ limit: 10 });
    const again = await get({ nextToken: tail.nextForwardToken });
    expect(again.events).toEqual([]);
    await logs.send(
      new PutLogEventsCommand({
        logGroupName: group,
        logStreamName: 'web-1',
        logEvents: [{ timestamp: base + total, message: 'new' }],
      }),
    );
    const polled = await get({ nextToken: again.nextForwardToken });
    expect(polled.events!.map((e) => e.message)).toEqual(['new']);
    expect(polled.events![0].ingestionTime).toBeGreaterThanOrEqual(polled.events![0].timestamp! - 2 * HOUR);
  });

  it('rejects a forged token', async () => {
    const err = await rejection(get({ nextToken: '../../etc/passwd' }));
    expect(err).toBeInstanceOf(InvalidParameterException);
  });
});

describe('FilterLogEvents', () => {
  const group = '/vigil/filter';
  let base: number;
  const perStream = 700;
  beforeAll(async () => {
    await logs.send(new CreateLogGroupCommand({ logGroupName: group }));
    base = Date.now() - HOUR;
    for (const [s, offset] of [
      ['web-1', 0],
      ['web-2', 1],
      ['db-1', 2],
    ] as const) {
      await logs.send(new CreateLogStreamCommand({ logGroupName: group, logStreamName: s }));
      const batch = events(perStream, base + offset, 3, (i) =>
        i % 100 === 0 ? `sshd[42]: Failed password for root from 203.0.113.${i % 250}` : `${s} INFO tick ${i}`,
      );
      await logs.send(new PutLogEventsCommand({ logGroupName: group, logStreamName: s, logEvents: batch }));
    }
  });

  it('interleaves streams by time and pages with nextToken: every event exactly once', async () => {
    const seen: { id: string; ts: number; stream: string }[] = [];
    for await (const page of paginateFilterLogEvents({ client: logs, pageSize: 333 }, { logGroupName: group })) {
      expect(page.events!.length).toBeLessThanOrEqual(333);
      for (const e of page.events!) seen.push({ id: e.eventId!, ts: e.timestamp!, stream: e.logStreamName! });
    }
    expect(seen).toHaveLength(3 * perStream);
    expect(new Set(seen.map((e) => e.id)).size).toBe(3 * perStream);
    expect(seen.map((e) => e.ts)).toEqual([...seen.map((e) => e.ts)].sort((a, b) => a - b));
    expect(seen.slice(0, 3).map((e) => e.stream)).toEqual(['web-1', 'web-2', 'db-1']);
  });

  it('narrows by stream names and an inclusive time range', async () => {
    const out = await logs.send(
      new FilterLogEventsCommand({
        logGroupName: group,
        logStreamNames: ['web-2'],
        startTime: base + 1,
        endTime: base + 10,
      }),
    );
    expect(out.events!.map((e) => e.timestamp)).toEqual([base + 1, base + 4, base + 7, base + 10]);
    expect(out.nextToken).toBeUndefined();
  });

  it('matches terms, quoted phrases, ?alternatives and -exclusions', async () => {
    const count = async (filterPattern: string) =>
      (await logs.send(new FilterLogEventsCommand({ logGroupName: group, filterPattern }))).events!.length;
    expect(await count('"Failed password"')).toBe(21);
    expect(await count('Failed root')).toBe(21);
    expect(await count('Fail')).toBe(0); // a bare term matches whole words only
    expect(await count('?tick ?Failed')).toBe(3 * perStream);
    expect(await count('INFO -web')).toBe(perStream - 7); // db-1's INFO lines; web-* lines hold the word "web"
    const err = await rejection(
      logs.send(new FilterLogEventsCommand({ logGroupName: group, filterPattern: '{ $.user = "x" }' })),
    );
    expect(err).toBeInstanceOf(InvalidParameterException);
  });

  it('returns the newest first with startFromHead=false', async () => {
    const out = await logs.send(new FilterLogEventsCommand({ logGroupName: group, startFromHead: false, limit: 3 }));
    const ts = out.events!.map((e) => e.timestamp!);
    expect(ts).toEqual([...ts].sort((a, b) => b - a));
    expect(ts[0]).toBe(base + 2 + 3 * (perStream - 1));
  });
});

describe('FilterLogEvents with a scan limit (partial and empty pages, as AWS may return)', () => {
  it('still yields every matching event exactly once', async () => {
    const local = await startLocalAws({ services: ['logs'], logs: { filterScanLimit: 50 } });
    const client = new CloudWatchLogsClient({ ...clientConfig(local), maxAttempts: 1 });
    try {
      await client.send(new CreateLogGroupCommand({ logGroupName: 'g' }));
      await client.send(new CreateLogStreamCommand({ logGroupName: 'g', logStreamName: 's' }));
      const batch = events(400, Date.now() - HOUR, 1, (i) => (i % 97 === 0 ? `ALERT ${i}` : `ok ${i}`));
      await client.send(new PutLogEventsCommand({ logGroupName: 'g', logStreamName: 's', logEvents: batch }));
      const found: string[] = [];
      let emptyPages = 0;
      for await (const page of paginateFilterLogEvents({ client }, { logGroupName: 'g', filterPattern: 'ALERT' })) {
        if (page.events!.length === 0) emptyPages++;
        found.push(...page.events!.map((e) => e.message!));
      }
      expect(found).toEqual(['ALERT 0', 'ALERT 97', 'ALERT 194', 'ALERT 291', 'ALERT 388']);
      expect(emptyPages).toBeGreaterThan(0);
    } finally {
      client.destroy();
      await local.close();
    }
  });
});
