/**
 * Fleet heartbeat latency through the real server (startServer: auth, rate limits, audit, one transaction each).
 *
 *   npx tsx control-plane/src/bench/heartbeat-bench.ts [--agents 10000] [--periods 2] [--interval 30] [--connections 64]
 *
 * Open loop: agent i sends at offset i * interval / agents inside every period, whether or not earlier requests have
 * answered, and latency runs from the SCHEDULED send time, so time spent queued behind a slow server (in the socket
 * pool or the kernel) counts instead of being hidden (coordinated omission). Uses PostgreSQL when DATABASE_URL is set
 * (a throwaway database is created and dropped), else PGlite in a temporary directory. The load generator runs on its
 * own worker thread: PGlite executes queries synchronously on the server's event loop, and a client sharing that loop
 * would be measuring its own stalled timers. Agents are created with the
 * store functions the enroll route uses (createEnrollmentToken + enrollAgent), not over HTTP, because the anonymous
 * enroll route is rate limited to 60/min per IP. Prints one JSON line. Traffic goes to 127.0.0.1 only.
 */

import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { testConfig } from '../config/load.ts';
import type { Config } from '../config/schema.ts';
import type { Db } from '../db/db.ts';
import { openStore, startServer } from '../server.ts';
import { enrollAgent } from '../store/agents.ts';
import { createEnrollmentToken } from '../store/enrollment.ts';
import { inventory } from '../testing/harness.ts';

const DRAIN_MS = 30_000;

interface LoadPlan {
  url: string;
  fleet: BenchAgent[];
  periods: number;
  intervalMs: number;
  connections: number;
}

interface BenchStore {
  kind: 'pglite' | 'postgres';
  config: Config;
  drop: () => Promise<void>;
}

async function benchStore(): Promise<BenchStore> {
  const base = { logLevel: 'silent', host: '127.0.0.1' } as const;
  const url = process.env.DATABASE_URL;
  if (!url) {
    const dir = mkdtempSync(path.join(tmpdir(), 'vigil-hb-bench-'));
    const config = testConfig({ ...base, dataDir: dir });
    return { kind: 'pglite', config, drop: async () => rmSync(dir, { recursive: true, force: true }) };
  }
  const pg = (await import('pg')).default;
  const name = `vigil_hb_bench_${process.pid}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const target = new URL(url);
  target.pathname = `/${name}`;
  const config = testConfig({ ...base, databaseUrl: target.toString() });
  return {
    kind: 'postgres',
    config,
    drop: async () => {
      await admin.query(`DROP DATABASE ${name} WITH (FORCE)`);
      await admin.end();
    },
  };
}

interface BenchAgent {
  credential: string;
  body: string;
}

/** Enrolls `count` agents with `parallel` enrollments in flight (PGlite serialises them anyway). */
async function createAgents(db: Db, count: number, parallel: number): Promise<BenchAgent[]> {
  const out: BenchAgent[] = new Array(count);
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      const inv = inventory(`i-bench-${i}`, `bench-${i}`);
      const now = Date.now();
      const { token } = await createEnrollmentToken(db, { createdBy: 'bench', ttlMs: 3_600_000, now });
      const { credential } = await enrollAgent(db, token, inv, now);
      const counters = { lines: 1000 + i, anomalies: i % 7, actions: i % 3, spoolDepth: 0 };
      out[i] = { credential, body: JSON.stringify({ inventory: inv, counters }) };
    }
  };
  await Promise.all(Array.from({ length: parallel }, worker));
  return out;
}

interface Outcome {
  latencies: Float64Array;
  sent: number;
  done: number;
  errors: number;
  firstErrors: string[];
}

function post(pool: http.Agent, base: URL, a: BenchAgent): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        agent: pool,
        host: base.hostname,
        port: base.port,
        path: '/v1/agents/heartbeat',
        method: 'POST',
        headers: {
          authorization: `Bearer ${a.credential}`,
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(a.body),
        },
        timeout: DRAIN_MS,
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end(a.body);
  });
}

/** Fires every heartbeat at its scheduled instant; never waits for answers before sending the next. */
async function runOpenLoop(plan: LoadPlan): Promise<Outcome> {
  const { fleet } = plan;
  const base = new URL(plan.url);
  const pool = new http.Agent({ keepAlive: true, maxSockets: plan.connections });
  const total = fleet.length * plan.periods;
  const out: Outcome = { latencies: new Float64Array(total), sent: 0, done: 0, errors: 0, firstErrors: [] };
  const step = plan.intervalMs / fleet.length;
  const t0 = performance.now() + 100;
  const fail = (why: string) => {
    out.errors++;
    if (out.firstErrors.length < 5) out.firstErrors.push(why);
  };
  await new Promise<void>((finish) => {
    const tick = () => {
      const now = performance.now();
      while (out.sent < total && t0 + out.sent * step <= now) {
        const k = out.sent++;
        const scheduled = t0 + k * step;
        post(pool, base, fleet[k % fleet.length])
          .then((status) => {
            out.latencies[out.done++] = performance.now() - scheduled;
            if (status !== 200) fail(`status ${status}`);
          })
          .catch((err: Error) => {
            out.latencies[out.done++] = performance.now() - scheduled;
            fail(err.message);
          });
      }
      if (out.sent < total) setTimeout(tick, Math.max(0, Math.min(5, t0 + out.sent * step - performance.now())));
      else finish();
    };
    tick();
  });
  const deadline = performance.now() + DRAIN_MS;
  while (out.done < total && performance.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  // Requests still open after the drain window are counted as errors with no latency sample.
  const unanswered = total - out.done;
  if (unanswered > 0) {
    out.errors += unanswered;
    out.firstErrors.push(`${unanswered} unanswered after a ${DRAIN_MS} ms drain`);
  }
  const snapshot = { ...out, latencies: out.latencies.slice(0, out.done) };
  pool.destroy();
  return snapshot;
}

function quantile(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
}

/** The server's own heartbeat histogram: count and the upper bound (ms) of the bucket holding p99. */
function serverHistogram(metrics: string): { count: number; p99BucketMs: number | null } {
  const route = 'route="/v1/agents/heartbeat"';
  const buckets: Array<[number, number]> = [];
  let count = 0;
  for (const line of metrics.split('\n')) {
    if (!line.includes(route)) continue;
    if (line.startsWith('vigil_http_request_duration_seconds_bucket')) {
      const le = /le="([^"]+)"/.exec(line)?.[1] ?? '';
      buckets.push([le === '+Inf' ? Number.POSITIVE_INFINITY : Number(le), Number(line.split(' ').at(-1))]);
    } else if (line.startsWith('vigil_http_request_duration_seconds_count')) {
      count = Number(line.split(' ').at(-1));
    }
  }
  const hit = buckets.find(([, c]) => c >= 0.99 * count);
  return { count, p99BucketMs: hit && Number.isFinite(hit[0]) ? hit[0] * 1000 : null };
}

function loadFromWorker(plan: LoadPlan): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL(import.meta.url), { workerData: plan });
    worker.once('message', (o: Outcome) => resolve(o));
    worker.once('error', reject);
    worker.once('exit', (code) => code !== 0 && reject(new Error(`load worker exited with ${code}`)));
  });
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      agents: { type: 'string', default: '10000' },
      periods: { type: 'string', default: '2' },
      interval: { type: 'string', default: '30' },
      connections: { type: 'string', default: '64' },
    },
  });
  const agents = Number(values.agents);
  const periods = Number(values.periods);
  const intervalMs = Number(values.interval) * 1000;
  const connections = Number(values.connections);
  for (const [k, v] of Object.entries({ agents, periods, interval: intervalMs, connections })) {
    if (!Number.isInteger(v) || v < 1) throw new Error(`--${k} must be a positive integer`);
  }

  const store = await benchStore();
  const seedStarted = performance.now();
  const seedDb = await openStore(store.config);
  const fleet = await createAgents(seedDb, agents, store.kind === 'postgres' ? 8 : 1);
  await seedDb.close();
  const seedSeconds = (performance.now() - seedStarted) / 1000;

  const { app, url } = await startServer(store.config, { port: 0, stderr: { write: () => true } as never });
  const loadBefore = loadavg()[0];
  const started = performance.now();
  const outcome = await loadFromWorker({ url, fleet, periods, intervalMs, connections });
  const seconds = (performance.now() - started) / 1000;
  const loadAfter = loadavg()[0];
  const metrics = await (await fetch(`${url}/metrics`)).text();
  await app.close();
  await store.drop();

  const sorted = outcome.latencies.sort();
  const ms = (v: number) => Number(v.toFixed(1));
  console.log(
    JSON.stringify({
      name: 'heartbeats',
      store: store.kind,
      agents,
      ratePerSec: Number(((agents * 1000) / intervalMs).toFixed(1)),
      requests: outcome.sent,
      errors: outcome.errors,
      p50Ms: ms(quantile(sorted, 0.5)),
      p99Ms: ms(quantile(sorted, 0.99)),
      maxMs: ms(sorted.length ? sorted[sorted.length - 1] : Number.NaN),
      seconds: Number(seconds.toFixed(1)),
      seedSeconds: Number(seedSeconds.toFixed(1)),
      connections,
      server: serverHistogram(metrics),
      load1: { before: ms(loadBefore), after: ms(loadAfter) },
      firstErrors: outcome.firstErrors,
    }),
  );
}

if (isMainThread) await main();
else {
  const outcome = await runOpenLoop(workerData as LoadPlan);
  parentPort?.postMessage(outcome, [outcome.latencies.buffer as ArrayBuffer]);
}
