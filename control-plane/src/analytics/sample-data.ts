/**
 * Seeds a small, deterministic fleet history through the store functions the server itself uses (enrollment,
 * heartbeats, anomaly ingest, fleet correlation, action records, approvals, incident lifecycle), for the KPI and
 * report tests and the sample report. No raw INSERTs: what the seeder writes is what production writes.
 */
import type { Anomaly } from '../../../models/src/schema/index.ts';
import { recordDecision, undecidedRecommendation } from '../actions/store.ts';
import type { ActionReport } from '../api/schemas.ts';
import type { Db } from '../db/db.ts';
import { FleetCorrelator } from '../detect/correlator.ts';
import { setIncidentState } from '../detect/incidents-store.ts';
import { cloudOrigin, storeCloudAnomalies } from '../detect/store.ts';
import { insertActions } from '../store/actions.ts';
import { enrollAgent, recordHeartbeat } from '../store/agents.ts';
import { insertAnomalies } from '../store/anomalies.ts';
import { createEnrollmentToken } from '../store/enrollment.ts';
import { between, FAMILIES, type Family, pickFamily, prng, SAMPLE_HOSTS } from './sample-scenario.ts';

const MIN = 60_000;
const HOUR = 60 * MIN;

export interface SampleOptions {
  from: number;
  to: number;
  seed?: number;
  anomaliesPerDay?: number;
  /** Heartbeat spacing; pass staleAfterMs ≥ this to computeKpis (the result suggests 1.5×). */
  heartbeatEveryMs?: number;
}

export interface SampleSummary {
  agents: number;
  heartbeats: number;
  anomalies: number;
  actions: number;
  staleAfterMs: number;
  /** Host → [start, end) spans with no heartbeats, the outages the uptime figures must show. */
  outages: Record<string, [number, number]>;
}

interface Agent {
  id: string;
  host: string;
  since: number;
}

const inventory = (i: number, host: string) => ({
  instanceId: `i-0sample${String(i).padStart(9, '0')}`,
  hostname: host,
  instanceType: 't3.small',
  region: 'us-east-1',
  az: 'us-east-1a',
  agentVersion: '0.1.0',
  modelVersion: '2025.03.01',
});

export async function seedSampleData(db: Db, o: SampleOptions): Promise<SampleSummary> {
  const r = prng(o.seed ?? 7);
  const span = o.to - o.from;
  const every = o.heartbeatEveryMs ?? 10 * MIN;
  const outages: SampleSummary['outages'] = {
    'db-1': [o.from + Math.round(span * 0.3), o.from + Math.round(span * 0.3) + 2 * HOUR],
    'web-3': [o.from + Math.round(span * 0.7), o.from + Math.round(span * 0.7) + 45 * MIN],
  };
  const agents: Agent[] = [];
  let heartbeats = 0;
  for (const [i, host] of SAMPLE_HOSTS.entries()) {
    // batch-1 joins the fleet part-way through the window
    const since = host === 'batch-1' ? o.from + Math.round(span * 0.4) : o.from - HOUR;
    const { token } = await createEnrollmentToken(db, { createdBy: 'sample', ttlMs: HOUR, now: since });
    const { agentId } = await enrollAgent(db, token, inventory(i, host), since);
    agents.push({ id: agentId, host, since });
    const gap = outages[host];
    for (let t = since; t < o.to; t += every) {
      if (gap && t >= gap[0] && t < gap[1]) continue;
      const counters = { lines: heartbeats * 100, anomalies: 0, actions: 0, spoolDepth: 0 };
      await recordHeartbeat(db, agentId, { inventory: inventory(i, host), counters }, t);
      heartbeats++;
    }
  }
  const correlator = new FleetCorrelator(db);
  let anomalies = 0;
  let actions = 0;
  const perHour = (o.anomaliesPerDay ?? 40) / 24;
  for (let hour = o.from; hour < o.to - 10 * MIN; hour += HOUR) {
    const phase = (hour - o.from) / span;
    // a brute-force campaign around 55 % of the window, and slowly fewer incidents as fixes take hold
    const rate = perHour * (Math.abs(phase - 0.55) < 0.04 ? 4 : 1) * (1.2 - 0.4 * phase);
    const n = Math.floor(rate + r());
    for (let k = 0; k < n; k++) {
      const family = pickFamily(r);
      const live = agents.filter((a) => a.since <= hour);
      const agent = live[Math.floor(r() * live.length)];
      const start = Math.min(hour + between(r, [0, 12]) * 5 * MIN, o.to - 10 * MIN);
      const a = anomalyOf(family, agent.host, start, r, `s${anomalies}`);
      const received = a.detectedAt + between(r, [500, 4000]);
      if (family.cloud) {
        await storeCloudAnomalies(db, 'vpc', [a], received);
        await correlator.correlate(cloudOrigin('vpc'), [a.id], received);
      } else {
        await insertAnomalies(db, agent.id, agent.id, agent.host, [a], received);
        await correlator.correlate(agent.id, [a.id], received);
        if (family.response) actions += await respond(db, agent, family, a, r, o.to);
      }
      anomalies++;
    }
  }
  await closeIncidents(db, o, r);
  return { agents: agents.length, heartbeats, anomalies, actions, staleAfterMs: Math.round(every * 1.5), outages };
}

function anomalyOf(f: Family, host: string, start: number, r: () => number, id: string): Anomaly {
  const entity = f.entity(r, host);
  const score = 0.8 + r() * 0.19;
  return {
    id,
    type: f.type,
    entity,
    source: f.source,
    window: { start, end: start + 5 * MIN },
    score,
    threshold: 0.8,
    model: 'xgboost',
    modelVersion: '2025.03.01',
    severity: f.severity,
    evidence: {
      topFeatures: [{ name: 'auth.failed_count', value: 100 + Math.floor(r() * 300), contribution: 0.5 }],
      lines: [f.line(host, entity.id)],
      targets: entity.kind === 'ip' ? { ip: entity.id } : {},
    },
    ...(f.cloud ? {} : { host }),
    detectedAt: start + 5 * MIN + between(r, [1000, 30_000]),
  };
}

/** The agent's answer to one anomaly: an autonomous fix, or a recommendation a person approves or rejects. */
async function respond(db: Db, agent: Agent, f: Family, a: Anomaly, r: () => number, to: number): Promise<number> {
  const resp = f.response!;
  const startedAt = a.detectedAt + between(r, [200, 1500]);
  const ok = r() < resp.successRate;
  const base = {
    playbook: resp.playbook,
    why: `${a.type} scored ${a.score.toFixed(2)} >= 0.80`,
    anomalyId: a.id,
    anomalyType: a.type,
    severity: a.severity,
    score: a.score,
    target: a.entity.id,
  };
  const executed = (id: string, start: number, extra: Partial<ActionReport> = {}): ActionReport => ({
    ...base,
    id,
    mode: resp.mode,
    decision: 'executed',
    result: ok ? 'success' : 'failure',
    dryRun: false,
    exec: { ok, detail: ok ? 'done' : 'playbook failed: target vanished' },
    startedAt: start,
    finishedAt: start + between(r, resp.runMs),
    ...extra,
  });
  if (resp.mode === 'auto') {
    // api-1 runs its playbooks in dry-run mode: recorded, never counted as fixes
    const dry = agent.host === 'api-1';
    const rec = dry
      ? { ...executed(`${a.id}-x`, startedAt), dryRun: true, result: 'none' as const }
      : executed(`${a.id}-x`, startedAt);
    await insertActions(db, agent.id, agent.id, agent.host, [rec], rec.finishedAt + 1000);
    return 1;
  }
  const recId = `${a.id}-rec`;
  const recommended: ActionReport = {
    ...base,
    id: recId,
    mode: 'recommend',
    decision: 'recommended',
    result: 'none',
    dryRun: false,
    startedAt,
    finishedAt: startedAt + 5,
  };
  await insertActions(db, agent.id, agent.id, agent.host, [recommended], startedAt + 1000);
  const choice = r();
  if (choice > 0.8) return 1; // still waiting for a person
  const { rows } = await db.query<{ seq: number }>('SELECT seq FROM actions WHERE origin = $1 AND action_id = $2', [
    agent.id,
    recId,
  ]);
  const action = await undecidedRecommendation(db, rows[0].seq);
  const at = Math.min(startedAt + between(r, [5 * MIN, 90 * MIN]), to - 1);
  const approved = choice < 0.6;
  await recordDecision(db, {
    id: `apr_sample${rows[0].seq}`,
    action,
    decision: approved ? 'approved' : 'rejected',
    via: approved ? 'agent' : null,
    reason: approved ? 'confirmed malicious' : 'admin task, expected',
    by: 'alice.oncall',
    at,
    expiresAt: approved ? at + 15 * MIN : null,
  });
  if (!approved) return 1;
  const run = executed(`${a.id}-run`, at + 20_000, { recommendationId: recId, approvedBy: 'alice.oncall' });
  await insertActions(db, agent.id, agent.id, agent.host, [run], run.finishedAt + 1000);
  return 2;
}

/** People triage: most incidents get resolved or closed as false positives; the newest stay open. */
async function closeIncidents(db: Db, o: SampleOptions, r: () => number): Promise<void> {
  const { rows } = await db.query<{ id: string; opened_at: number; type: string }>(
    `SELECT i.id, i.opened_at, a.type FROM incidents i
     JOIN LATERAL (SELECT an.type FROM incident_anomalies ia JOIN anomalies an ON an.seq = ia.anomaly_seq
                   WHERE ia.incident_id = i.id ORDER BY ia.anomaly_seq LIMIT 1) a ON true
     ORDER BY i.opened_at, i.id`,
  );
  const lognormal = (medianMs: number) => {
    const z = Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
    return Math.round(medianMs * Math.exp(0.8 * z));
  };
  for (const inc of rows) {
    const fpRate = FAMILIES.find((f) => f.type === inc.type)?.fpRate ?? 0.05;
    const ack = inc.opened_at + lognormal(12 * MIN);
    if (ack >= o.to || (inc.opened_at > o.to - 0.08 * (o.to - o.from) && r() < 0.7)) continue; // still open
    const change = (state: 'acknowledged' | 'resolved' | 'false_positive', now: number) =>
      db.transaction((tx) => setIncidentState(tx, inc.id, { state, by: 'alice.oncall', now }));
    await change('acknowledged', ack);
    if (r() < 0.08) continue; // acknowledged, still being worked on
    const falseAlarm = r() < fpRate;
    const closedAt = ack + lognormal(falseAlarm ? 20 * MIN : 100 * MIN);
    if (closedAt >= o.to) continue;
    await change(falseAlarm ? 'false_positive' : 'resolved', closedAt);
  }
}
