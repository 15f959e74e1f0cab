/**
 * How long computeKpis takes on a large store. Seeds N anomalies (default 1,000,000) over 30 days and 50 hosts
 * through insertAnomalies in 5,000-item batches, action records through insertActions, and hourly heartbeats
 * through recordHeartbeat, then times the KPI queries for a 30-day and a 1-day window.
 *
 *   npx tsx control-plane/src/analytics/kpi-bench.ts [anomalies]        # PGlite in memory
 *   DATABASE_URL=postgres://... npx tsx control-plane/src/analytics/kpi-bench.ts   # PostgreSQL (empty database)
 */
import type { Anomaly } from '../../../models/src/schema/index.ts';
import type { ActionReport } from '../api/schemas.ts';
import { applyMigrations } from '../db/migrate.ts';
import { openPglite } from '../db/pglite.ts';
import { openPostgres } from '../db/postgres.ts';
import { insertActions } from '../store/actions.ts';
import { enrollAgent, recordHeartbeat } from '../store/agents.ts';
import { insertAnomalies } from '../store/anomalies.ts';
import { createEnrollmentToken } from '../store/enrollment.ts';
import { computeKpis } from './kpis.ts';
import { FAMILIES, prng } from './sample-scenario.ts';

const DAY = 86_400_000;
const T0 = Date.UTC(2025, 2, 1);
const HOSTS = 50;
const BATCH = 5000;

async function main() {
  const total = Number(process.argv[2] ?? 1_000_000);
  const db = process.env.DATABASE_URL ? await openPostgres(process.env.DATABASE_URL) : await openPglite();
  await applyMigrations(db);
  const r = prng(1);
  const agents: { id: string; host: string }[] = [];
  let t = performance.now();
  for (let i = 0; i < HOSTS; i++) {
    const host = `host-${i}`;
    const { token } = await createEnrollmentToken(db, { createdBy: 'bench', ttlMs: DAY, now: T0 - DAY });
    const inv = { instanceId: `i-0bench${String(i).padStart(10, '0')}`, hostname: host, agentVersion: '0.1.0' };
    const { agentId } = await enrollAgent(db, token, inv, T0 - DAY);
    agents.push({ id: agentId, host });
    const counters = { lines: 0, anomalies: 0, actions: 0, spoolDepth: 0 };
    for (let at = T0; at < T0 + 30 * DAY; at += 3_600_000)
      await recordHeartbeat(db, agentId, { inventory: inv, counters }, at);
  }
  console.log(`heartbeats: ${HOSTS * 720} in ${Math.round(performance.now() - t)} ms`);
  t = performance.now();
  for (let done = 0; done < total; done += BATCH) {
    const agent = agents[(done / BATCH) % HOSTS];
    const batch: Anomaly[] = [];
    const actions: ActionReport[] = [];
    for (let k = 0; k < Math.min(BATCH, total - done); k++) {
      const f = FAMILIES[Math.floor(r() * FAMILIES.length)];
      const start = T0 + Math.floor(r() * 30 * DAY);
      const id = `b${done + k}`;
      batch.push({
        id,
        type: f.type,
        entity: f.entity(r, agent.host),
        source: f.source,
        window: { start, end: start + 300_000 },
        score: 0.9,
        threshold: 0.8,
        model: 'xgboost',
        severity: f.severity,
        evidence: { topFeatures: [], lines: [] },
        detectedAt: start + 310_000,
      });
      if (f.response?.mode === 'auto' && k % 10 === 0) {
        const s = start + 311_000;
        actions.push({
          id: `${id}-x`,
          playbook: f.response.playbook,
          mode: 'auto',
          decision: 'executed',
          result: r() < f.response.successRate ? 'success' : 'failure',
          dryRun: false,
          why: 'bench',
          anomalyId: id,
          anomalyType: f.type,
          startedAt: s,
          finishedAt: s + 500,
        });
      }
    }
    await insertAnomalies(db, agent.id, agent.id, agent.host, batch, T0);
    if (actions.length) await insertActions(db, agent.id, agent.id, agent.host, actions, T0);
  }
  console.log(`anomalies: ${total} in ${Math.round(performance.now() - t)} ms`);
  await db.query('ANALYZE');
  for (const [name, w] of [
    ['30 days, 1-day buckets', { from: T0, to: T0 + 30 * DAY, bucketMs: DAY }],
    ['1 day, 1-hour buckets', { from: T0 + 10 * DAY, to: T0 + 11 * DAY, bucketMs: 3_600_000 }],
  ] as const) {
    for (let run = 0; run < 2; run++) {
      t = performance.now();
      const k = await computeKpis(db, w, { staleAfterMs: 5_400_000 });
      console.log(
        `computeKpis ${name} (run ${run + 1}): ${Math.round(performance.now() - t)} ms, ` +
          `${k.anomalies.total} anomalies, ${k.actions.total} actions, fleet uptime ${k.uptime.fleetMean?.toFixed(4)}`,
      );
    }
  }
  await db.close();
}

await main();
