import { gzipSync } from 'node:zlib';
import { CloudWatchLogsClient, PutSubscriptionFilterCommand } from '@aws-sdk/client-cloudwatch-logs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientConfig, type LocalAws, type SubscriptionDelivery, startLocalAws } from '../../../test/localaws/index.ts';
import { dbBackends, type TestDb } from '../../../test/support/pg.ts';
import { CloudDetector } from '../detect/cloud-detector.ts';
import { cloudRecords, vpcPortScan } from '../detect/test-data.ts';
import { putEvents, TestClock } from '../ingest/test-seed.ts';
import { createSubscriptionHandler, handler } from './subscription.ts';

const [pglite] = await dbBackends();
const encode = (payload: unknown) => ({ awslogs: { data: gzipSync(JSON.stringify(payload)).toString('base64') } });

let aws: LocalAws;
let logs: CloudWatchLogsClient;
let detector: CloudDetector;
let t: TestDb;
const deliveries: SubscriptionDelivery[] = [];

beforeAll(async () => {
  const clock = new TestClock();
  aws = await startLocalAws({ services: ['logs'], clock });
  logs = new CloudWatchLogsClient(clientConfig(aws));
  detector = await CloudDetector.load();
  t = await pglite.open();
  aws.state.logs.onSubscriptionData((d) => deliveries.push(d));
  const vpc = cloudRecords()
    .filter((r) => r.source === 'vpc')
    .slice(0, 200);
  const lines = [...vpc.map((r) => r.line), ...vpcPortScan(vpc[199].event.ts + 60_000)];
  await putEvents(logs, clock, '/vigil/vpc-flow', 'flows', []);
  await logs.send(
    new PutSubscriptionFilterCommand({
      logGroupName: '/vigil/vpc-flow',
      filterName: 'to-vigil',
      filterPattern: '',
      destinationArn: 'arn:aws:lambda:us-east-1:000000000000:function:vigil-subscription',
    }),
  );
  await putEvents(
    logs,
    clock,
    '/vigil/vpc-flow',
    'flows',
    lines.map((line) => ({ timestamp: Number(line.split(' ')[10]) * 1000, message: line })),
  );
}, 30_000);

afterAll(async () => {
  logs?.destroy();
  await aws?.close();
  await detector?.close();
  await t?.cleanup();
});

describe('subscription-filter Lambda', () => {
  it('decodes real subscription deliveries, scores them and stores the port scan once (retries are no-ops)', async () => {
    expect(deliveries.length).toBeGreaterThan(0);
    const handle = createSubscriptionHandler({
      detector,
      db: t.db,
      groups: [{ pattern: '/vigil/vpc-flow', format: 'vpc' }],
    });
    let events = 0;
    let stored = 0;
    const incidents = new Set<string>();
    for (const d of deliveries) {
      const out = await handle(encode(d));
      events += out.events;
      stored += out.stored ?? 0;
      for (const id of out.incidents ?? []) incidents.add(id);
    }
    expect(events).toBe(500);
    expect(stored).toBeGreaterThan(0);
    const retry = await handle(encode(deliveries[deliveries.length - 1]));
    expect(retry.stored).toBe(0);
    const { rows } = await t.db.query("SELECT type, entity_id FROM anomalies WHERE origin = 'cloud:vpc'");
    expect(rows).toContainEqual({ type: 'port_scan', entity_id: '198.51.100.77' });
    // correlated into incidents, as the pull ingest does
    expect(incidents.size).toBeGreaterThan(0);
    const opened = await t.db.query<{ id: string }>('SELECT id FROM incidents');
    expect(opened.rows.map((r) => r.id)).toEqual(expect.arrayContaining([...incidents]));
  });

  it('skips CONTROL_MESSAGE and refuses malformed payloads naming the field', async () => {
    const control = {
      messageType: 'CONTROL_MESSAGE',
      owner: 'CloudwatchLogs',
      logGroup: '',
      logStream: '',
      subscriptionFilters: [],
      logEvents: [{ id: '', timestamp: 0, message: 'CWL CONTROL MESSAGE: Checking health of destination Firehose.' }],
    };
    expect(await handler(encode(control))).toMatchObject({ skipped: 'control_message', events: 0 });
    await expect(handler({})).rejects.toThrow(/awslogs\.data/);
    await expect(handler({ awslogs: { data: 'bm90IGd6aXA=' } })).rejects.toThrow(/gzip/);
    const bad = {
      messageType: 'DATA_MESSAGE',
      owner: '1',
      logGroup: 'g',
      logStream: 's',
      logEvents: [{ timestamp: 'x', message: 1 }],
    };
    await expect(handler(encode(bad))).rejects.toThrow(/logEvents\.0/);
    const unmapped = {
      messageType: 'DATA_MESSAGE',
      owner: '1',
      logGroup: '/not/mapped',
      logStream: 's',
      logEvents: [],
    };
    await expect(handler(encode(unmapped))).rejects.toThrow(/logGroup/);
  });
});
