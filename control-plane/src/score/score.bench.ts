/**
 * POST /v1/score throughput on loopback: a real listening app (PGlite, in-process), C concurrent keep-alive fetch
 * loops sending batches of generated cloud lines for D seconds. Goal: ≥ 5,000 events/s.
 *
 *   npx tsx control-plane/src/score/score.bench.ts [--batch 1000] [--concurrency 4] [--seconds 10] [--top 5]
 *     [--explain anomalous|all|none] [--timing dense|sparse]
 */
import { parseArgs } from 'node:util';
import { dbBackends } from '../../../test/support/pg.ts';
import { CloudDetector } from '../detect/cloud-detector.ts';
import { cloudRecords } from '../detect/test-data.ts';
import { harness } from '../testing/harness.ts';
import { scorePlugin } from './plugin.ts';

const { values } = parseArgs({
  options: {
    batch: { type: 'string', default: '1000' },
    concurrency: { type: 'string', default: '4' },
    seconds: { type: 'string', default: '10' },
    top: { type: 'string', default: '5' },
    explain: { type: 'string', default: 'anomalous' },
    /** dense: the lines re-timed into 10 minutes (production-like); sparse: as generated (a year of traffic). */
    timing: { type: 'string', default: 'dense' },
  },
});
const batch = Number(values.batch);
const concurrency = Number(values.concurrency);
const seconds = Number(values.seconds);
const top = Number(values.top);
const explain = values.explain;
const dense = values.timing === 'dense';

/** Moves a VPC v2 line's start/end (fields 10 and 11, epoch s) into [base, base + 600 s). */
function retime(line: string, k: number, base: number): string {
  const f = line.split(' ');
  const t = base + (k % 600);
  f[10] = String(t);
  f[11] = String(t + 1);
  return f.join(' ');
}

const [pglite] = await dbBackends();
const detector = await CloudDetector.load();
const h = await harness(
  pglite,
  { rateLimit: { operatorPerMinute: 1e6 } as never },
  { plugins: [scorePlugin({ shared: detector, perMinute: 1e6 })] },
);
const url = await h.app.listen({ port: 0, host: '127.0.0.1' });
const token = await h.token('viewer');

// mixed sources, sent as raw lines of one format per request
const vpc = cloudRecords()
  .filter((r) => r.source === 'vpc')
  .map((r) => r.line);
const bodies: string[] = [];
for (let i = 0; i < 8; i++) {
  const lines = Array.from({ length: batch }, (_, k) => {
    const line = vpc[(i * batch + k) % vpc.length];
    return dense ? retime(line, Math.floor((k * 600) / batch), 1_740_787_200) : line;
  });
  bodies.push(JSON.stringify({ format: 'vpc', lines, topFeatures: top, explain }));
}

let events = 0;
let requests = 0;
let errors = 0;
const latencies: number[] = [];
const deadline = performance.now() + seconds * 1000;
async function loop(id: number): Promise<void> {
  for (let i = id; performance.now() < deadline; i += concurrency) {
    const t0 = performance.now();
    const res = await fetch(`${url}/v1/score`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: bodies[i % bodies.length],
    });
    const body = (await res.json()) as { events?: number };
    latencies.push(performance.now() - t0);
    if (res.ok) events += body.events ?? 0;
    else errors++;
    requests++;
  }
}
const start = performance.now();
await Promise.all(Array.from({ length: concurrency }, (_, i) => loop(i)));
const elapsed = (performance.now() - start) / 1000;
latencies.sort((a, b) => a - b);
const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))].toFixed(1);
console.log(
  JSON.stringify({
    batch,
    concurrency,
    topFeatures: top,
    explain,
    timing: values.timing,
    seconds: Number(elapsed.toFixed(1)),
    requests,
    errors,
    eventsPerSecond: Math.round(events / elapsed),
    p50ms: pct(0.5),
    p99ms: pct(0.99),
  }),
);
await h.close();
await detector.close();
