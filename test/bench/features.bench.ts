/**
 * Feature engine throughput (events/s through push) and the memory each tracked entity costs.
 * Run: npm run bench -- features   (or: node --expose-gc --import tsx test/bench/features.bench.ts)
 */
import { FeatureEngine } from '../../models/src/features/engine.ts';
import type { LogEvent } from '../../models/src/schema/index.ts';

const T0 = Date.UTC(2025, 5, 2);

function makeEvent(i: number, n: number, entities: number, spanMs: number): LogEvent {
  const k = i % entities;
  const ip = `198.${(k >> 16) & 255}.${(k >> 8) & 255}.${k & 255}`;
  const ts = T0 + Math.floor((i * spanMs) / n);
  switch (i % 4) {
    case 0:
      return {
        ts,
        source: 'ec2.auth',
        host: `web-${k % 8}`,
        program: 'sshd',
        principal: `user${k % 50}`,
        srcIp: ip,
        srcPort: 40000 + (i % 1000),
        action: 'ssh.failed',
        outcome: 'failure',
        attrs: { method: 'password', invalidUser: false },
        raw: 'x',
      };
    case 1:
      return {
        ts,
        source: 'vpc',
        account: '123456789012',
        resource: `eni-${k % 16}`,
        srcIp: ip,
        dstIp: '10.0.1.5',
        srcPort: 50000,
        dstPort: 443 + (i % 3),
        protocol: 6,
        packets: 10,
        bytes: 4000,
        action: 'flow',
        status: 'ACCEPT',
        outcome: 'success',
        raw: 'x',
      };
    case 2:
      return {
        ts,
        source: 's3',
        principal: `arn:aws:iam::123456789012:user/u${k % 50}`,
        srcIp: ip,
        action: 'REST.GET.OBJECT',
        status: '200',
        outcome: 'success',
        resource: `bucket-a/k${i % 500}`,
        bytes: 1234,
        attrs: { bucket: 'bucket-a', key: `k${i % 500}` },
        raw: 'x',
      };
    default:
      return {
        ts,
        source: 'cloudtrail',
        account: '123456789012',
        region: 'us-east-1',
        principal: `arn:aws:iam::123456789012:user/u${k % 50}`,
        srcIp: ip,
        program: 'ec2.amazonaws.com',
        action: 'DescribeInstances',
        status: 'OK',
        outcome: 'success',
        raw: 'x',
      };
  }
}

/**
 * Two shapes: a busy stream (few entities, many events per window: what one agent sees) and a wide one (one event per
 * entity-window, so nearly every event also produces a feature row: the worst case for row computation).
 */
function throughput(): void {
  const shapes = [
    { shape: 'busy (200 entities, 1 h)', n: 400_000, entities: 200, spanMs: 3_600_000 },
    { shape: 'wide (5k entities, 1 day)', n: 400_000, entities: 5_000, spanMs: 86_400_000 },
  ];
  for (const { shape, n, entities, spanMs } of shapes) {
    const events = Array.from({ length: n }, (_, i) => makeEvent(i, n, entities, spanMs));
    for (const warm of [true, false]) {
      const eng = new FeatureEngine();
      let rows = 0;
      const t = process.hrtime.bigint();
      for (const e of events) rows += eng.push(e).length;
      rows += eng.flush().length;
      const s = Number(process.hrtime.bigint() - t) / 1e9;
      if (!warm) {
        console.log(
          JSON.stringify({
            name: 'feature-engine',
            shape,
            events: n,
            rows,
            seconds: +s.toFixed(3),
            eventsPerSec: Math.round(n / s),
          }),
        );
      }
    }
  }
}

/** Heap per tracked entity, each fed ~40 events so its novelty sets and baselines are populated. */
function memoryPerEntity(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) {
    console.error('memory: run with --expose-gc for a heap figure');
    return;
  }
  const entities = 20_000;
  const n = entities * 40;
  gc();
  const before = process.memoryUsage().heapUsed;
  const eng = new FeatureEngine();
  for (let i = 0; i < n; i++) eng.push(makeEvent(i, n, entities, 2 * 3_600_000));
  gc();
  const used = process.memoryUsage().heapUsed - before;
  const tracked = eng.getStats().entities;
  console.log(
    JSON.stringify({
      name: 'feature-state-memory',
      trackedEntities: tracked,
      heapMB: +(used / 2 ** 20).toFixed(1),
      mbPer10kEntities: +(((used / tracked) * 1e4) / 2 ** 20).toFixed(1),
    }),
  );
}

throughput();
memoryPerEntity();
