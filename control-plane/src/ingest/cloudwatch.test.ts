import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LogEvent, LogSource } from '../../../models/src/schema/index.ts';
import { clientConfig, type LocalAws, startLocalAws } from '../../../test/localaws/index.ts';
import { dbBackends, type TestDb } from '../../../test/support/pg.ts';
import { CloudDetector } from '../detect/cloud-detector.ts';
import { cloudRecords, vpcPortScan } from '../detect/test-data.ts';
import { CloudWatchPuller } from './cloudwatch.ts';
import type { GroupMapping } from './format-map.ts';
import type { EventSink } from './sink.ts';
import { putEvents, TestClock } from './test-seed.ts';

const backends = await dbBackends();
const GROUPS: GroupMapping[] = [
  { pattern: '/aws/lambda/*', format: 'lambda' },
  { pattern: '/vigil/vpc-flow', format: 'vpc' },
  { pattern: '/vigil/cloudtrail', format: 'cloudtrail' },
];

let aws: LocalAws;
let logs: CloudWatchLogsClient;
const detectors: CloudDetector[] = [];
const loaded: CloudDetector[] = [];
const fail = (m: string): never => {
  throw new Error(m);
};
const clock = new TestClock();
let seeded = 0;

/** A sink that records every event it is given (to prove exactly-once) and can crash after N batches. */
function countingSink(seen: Map<string, number>, crashAfter = Number.POSITIVE_INFINITY): EventSink {
  let batches = 0;
  // a restart starts with a fresh detector: feature state lives in memory
  const detector = detectors.pop() ?? fail('no detector left');
  return {
    async score(source: LogSource, events: readonly LogEvent[]) {
      if (++batches > crashAfter) throw new Error('simulated crash');
      for (const e of events) seen.set(e.raw, (seen.get(e.raw) ?? 0) + 1);
      return (await detector.ingest(source, events)).anomalies;
    },
  };
}

beforeAll(async () => {
  aws = await startLocalAws({ services: ['logs'], clock });
  logs = new CloudWatchLogsClient({ ...clientConfig(aws), maxAttempts: 1 });
  for (let i = 0; i < 4 * backends.length; i++) loaded.push(await CloudDetector.load());
  detectors.push(...loaded);
  const recs = cloudRecords();
  const vpc = recs.filter((r) => r.source === 'vpc').slice(0, 300);
  const scan = vpcPortScan(vpc[vpc.length - 1].event.ts + 60_000).map((line) => ({
    timestamp: Number(line.split(' ')[10]) * 1000,
    message: line,
  }));
  await putEvents(logs, clock, '/vigil/vpc-flow', 'eni-flows', [
    ...vpc.map((r) => ({ timestamp: r.event.ts, message: r.line })),
    ...scan,
  ]);
  const trail = recs.filter((r) => r.source === 'cloudtrail').slice(0, 200);
  await putEvents(
    logs,
    clock,
    '/vigil/cloudtrail',
    '318574629104_CloudTrail_us-east-1',
    trail.map((r) => ({ timestamp: r.event.ts, message: r.line })),
  );
  const lambda = recs.filter((r) => r.source === 'lambda' && r.file === 'lambda/orders-api.jsonl').slice(0, 200);
  const byStream = new Map<string, { timestamp: number; message: string }[]>();
  for (const r of lambda) {
    const env = JSON.parse(r.line) as { logStreamName: string; timestamp: number; message: string };
    const list = byStream.get(env.logStreamName) ?? [];
    list.push({ timestamp: env.timestamp, message: env.message });
    byStream.set(env.logStreamName, list);
  }
  for (const [stream, evs] of byStream) await putEvents(logs, clock, '/aws/lambda/orders-api', stream, evs);
  await putEvents(logs, clock, '/unmapped/group', 's', [{ timestamp: clock.t, message: 'ignored' }]);
  seeded = vpc.length + scan.length + trail.length + lambda.length;
}, 60_000);

afterAll(async () => {
  logs?.destroy();
  await aws?.close();
  for (const d of loaded) await d.close();
});

describe.each(backends)('CloudWatch Logs pull ($name)', (backend) => {
  let t: TestDb;
  beforeAll(async () => {
    t = await backend.open();
  });
  afterAll(async () => t?.cleanup());

  it('ingests every event exactly once across a crash and a restart, and stores the port scan', async () => {
    const seen = new Map<string, number>();
    const opts = { groups: GROUPS, pageLimit: 50 };
    const crashing = new CloudWatchPuller(logs, t.db, countingSink(seen, 4), opts);
    await expect(crashing.pullOnce()).rejects.toThrow('simulated crash');
    const partial = [...seen.values()].reduce((a, b) => a + b, 0);
    expect(partial).toBeGreaterThan(0);
    expect(partial).toBeLessThan(seeded);

    const restarted = new CloudWatchPuller(logs, t.db, countingSink(seen), opts);
    const stats = await restarted.pullOnce();
    expect(stats.groups).toBe(3);
    expect(stats.pages).toBeGreaterThan(5);
    const total = [...seen.values()].reduce((a, b) => a + b, 0);
    expect(total).toBe(seeded);
    expect([...seen.values()].every((n) => n === 1)).toBe(true);

    const again = await new CloudWatchPuller(logs, t.db, countingSink(seen), opts).pullOnce();
    expect(again.events).toBe(0);
    expect(again.duplicatesSkipped).toBeGreaterThan(0);

    const { rows } = await t.db.query<{ type: string; entity_id: string }>(
      "SELECT type, entity_id FROM anomalies WHERE origin = 'cloud:vpc'",
    );
    expect(rows).toContainEqual({ type: 'port_scan', entity_id: '198.51.100.77' });
    const cp = await t.db.query("SELECT count(*)::int AS n FROM ingest_checkpoints WHERE source = 'cloudwatch'");
    expect(cp.rows[0]).toEqual({ n: 2 + lambdaStreams() });
  }, 60_000);

  it('recovers from sustained throttling with backoff and reads new events only', async () => {
    const seen = new Map<string, number>();
    const t0 = clock.t;
    await putEvents(
      logs,
      clock,
      '/vigil/vpc-flow',
      'eni-flows',
      vpcPortScan(t0 + 5_000, 40, '203.0.113.9').map((line) => ({
        timestamp: Number(line.split(' ')[10]) * 1000,
        message: line,
      })),
    );
    seeded += 40; // the next backend's suite reads these too
    aws.faults.throttle({ service: 'logs', operation: 'FilterLogEvents', ratePerSecond: 20, burst: 1 });
    try {
      const stats = await new CloudWatchPuller(logs, t.db, countingSink(seen), {
        groups: GROUPS,
        pageLimit: 10,
        backoff: { baseMs: 5, maxMs: 50, retries: 20 },
      }).pullOnce();
      expect(stats.retries).toBeGreaterThan(0);
      expect(stats.events).toBe(40);
      expect(seen.size).toBe(40);
    } finally {
      aws.faults.clear();
    }
  }, 60_000);
});

function lambdaStreams(): number {
  return aws.state.logs.groups.get('/aws/lambda/orders-api')?.streams.size ?? 0;
}
