/**
 * CloudWatch Logs pull throughput from the local stand-in (goal ≥ 50k events/s): N VPC flow events in one stream,
 * pulled with FilterLogEvents pages of 10,000, parsed, checkpointed per page in PGlite; once with a counting sink
 * (pull + parse + commit) and once with the model scoring sink.
 *
 *   npx tsx control-plane/src/ingest/cloudwatch.bench.ts [--events 100000]
 */
import { parseArgs } from 'node:util';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { clientConfig, startLocalAws } from '../../../test/localaws/index.ts';
import { dbBackends } from '../../../test/support/pg.ts';
import { CloudDetector } from '../detect/cloud-detector.ts';
import { cloudRecords } from '../detect/test-data.ts';
import { CloudWatchPuller } from './cloudwatch.ts';
import type { EventSink } from './sink.ts';
import { putEvents, TestClock } from './test-seed.ts';

const { values } = parseArgs({ options: { events: { type: 'string', default: '100000' } } });
const n = Number(values.events);
const clock = new TestClock();
const aws = await startLocalAws({ services: ['logs'], clock });
const logs = new CloudWatchLogsClient(clientConfig(aws));
const vpc = cloudRecords()
  .filter((r) => r.source === 'vpc')
  .map((r) => r.line.split(' '));
const base = 1_740_787_200;
const events = Array.from({ length: n }, (_, k) => {
  const f = [...vpc[k % vpc.length]];
  const t = base + Math.floor((k * 3600) / n);
  f[10] = String(t);
  f[11] = String(t + 1);
  return { timestamp: t * 1000, message: f.join(' ') };
});
for (const group of ['/bench/parse', '/bench/score']) await putEvents(logs, clock, group, 'flows', events);

const [pglite] = await dbBackends();
const detector = await CloudDetector.load();
const sinks: Record<string, EventSink> = {
  parse: { score: async () => [] },
  score: { score: async (source, evs) => (await detector.ingest(source, evs)).anomalies },
};
for (const [name, sink] of Object.entries(sinks)) {
  const t = await pglite.open();
  const puller = new CloudWatchPuller(logs, t.db, sink, { groups: [{ pattern: `/bench/${name}`, format: 'vpc' }] });
  const t0 = performance.now();
  const stats = await puller.pullOnce();
  const s = (performance.now() - t0) / 1000;
  console.log(
    JSON.stringify({
      sink: name,
      events: stats.events,
      pages: stats.pages,
      seconds: Number(s.toFixed(2)),
      eventsPerSecond: Math.round(stats.events / s),
    }),
  );
  await t.cleanup();
}
logs.destroy();
await aws.close();
await detector.close();
