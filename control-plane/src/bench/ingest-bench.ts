/**
 * Anomaly ingest throughput through the real HTTP stack (validation, auth, audit, one multi-row INSERT per batch).
 *
 *   npx tsx control-plane/src/bench/ingest-bench.ts [--batches 30] [--size 1000] [--concurrency 4]
 *
 * Uses PostgreSQL when DATABASE_URL is set (a throwaway database is created and dropped), else in-memory PGlite.
 * Prints one JSON line. Traffic goes to 127.0.0.1 only, bounded by --batches.
 */
import { parseArgs } from 'node:util';
import { buildApp } from '../app.ts';
import { testConfig } from '../config/load.ts';
import type { Db } from '../db/db.ts';
import { applyMigrations } from '../db/migrate.ts';
import { openPglite } from '../db/pglite.ts';
import { openPostgres } from '../db/postgres.ts';
import { enrollAgent } from '../store/agents.ts';
import { createEnrollmentToken } from '../store/enrollment.ts';
import { anomaly, inventory } from '../testing/harness.ts';

const { values } = parseArgs({
  options: {
    batches: { type: 'string', default: '30' },
    size: { type: 'string', default: '1000' },
    concurrency: { type: 'string', default: '4' },
  },
});
const batches = Number(values.batches);
const size = Number(values.size);
const concurrency = Number(values.concurrency);

async function openBenchDb(): Promise<{ db: Db; kind: string; drop: () => Promise<void> }> {
  const url = process.env.DATABASE_URL;
  if (!url) return { db: await openPglite(), kind: 'pglite', drop: async () => {} };
  const pg = (await import('pg')).default;
  const name = `vigil_bench_${process.pid}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const target = new URL(url);
  target.pathname = `/${name}`;
  return {
    db: await openPostgres(target.toString(), { maxConnections: concurrency + 2 }),
    kind: 'postgres',
    drop: async () => {
      await admin.query(`DROP DATABASE ${name} WITH (FORCE)`);
      await admin.end();
    },
  };
}

const { db, kind, drop } = await openBenchDb();
await applyMigrations(db);
const enr = await createEnrollmentToken(db, { createdBy: 'bench', ttlMs: 60_000, now: Date.now() });
const { credential } = await enrollAgent(db, enr.token, inventory('i-bench', 'bench-1'), Date.now());
const config = testConfig({
  logLevel: 'silent',
  maxBatchItems: size,
  ingestBodyLimit: 64 * 1024 * 1024,
  rateLimit: { agentPerMinute: 1_000_000 } as never,
});
const app = await buildApp(config, { db, closeDb: false, startJobs: false });
const address = await app.listen({ port: 0, host: '127.0.0.1' });

const bodies = Array.from({ length: batches }, (_, b) =>
  JSON.stringify({
    anomalies: Array.from({ length: size }, (_, i) =>
      anomaly(`b${b}-${i}`, { window: { start: 1740787200000 + i, end: 1740787500000 + i } }),
    ),
  }),
);
let next = 0;
let accepted = 0;
const started = performance.now();
await Promise.all(
  Array.from({ length: concurrency }, async () => {
    while (next < bodies.length) {
      const body = bodies[next++];
      const res = await fetch(`${address}/v1/agents/anomalies`, {
        method: 'POST',
        headers: { authorization: `Bearer ${credential}`, 'content-type': 'application/json' },
        body,
      });
      if (res.status !== 200) throw new Error(`status ${res.status}: ${await res.text()}`);
      accepted += ((await res.json()) as { accepted: number }).accepted;
    }
  }),
);
const seconds = (performance.now() - started) / 1000;
await app.close();
await db.close();
await drop();
console.log(
  JSON.stringify({
    store: kind,
    batches,
    size,
    concurrency,
    accepted,
    seconds: Number(seconds.toFixed(2)),
    anomaliesPerSecond: Math.round(accepted / seconds),
  }),
);
