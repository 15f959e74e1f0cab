import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Anomaly } from '../../../models/src/schema/index.ts';
import { dbBackends, type TestDb } from '../../../test/support/pg.ts';
import { recordDecision, undecidedRecommendation } from '../actions/store.ts';
import type { ActionReport } from '../api/schemas.ts';
import type { Db } from '../db/db.ts';
import { FleetCorrelator } from '../detect/correlator.ts';
import { setIncidentState } from '../detect/incidents-store.ts';
import { insertActions } from '../store/actions.ts';
import { enrollAgent, recordHeartbeat } from '../store/agents.ts';
import { insertAnomalies } from '../store/anomalies.ts';
import { createEnrollmentToken } from '../store/enrollment.ts';
import { anomaly, inventory, T0 } from '../testing/harness.ts';
import { computeKpis, defaultBucketMs, type KpiReport } from './kpis.ts';

const MIN = 60_000;
const HOUR = 60 * MIN;
const backends = await dbBackends();

async function agentWithHeartbeats(db: Db, i: number, host: string, since: number, gap: [number, number] | null) {
  const { token } = await createEnrollmentToken(db, { createdBy: 't', ttlMs: HOUR, now: since });
  const inv = inventory(`i-0000000${i}`, host);
  const { agentId } = await enrollAgent(db, token, inv, since);
  const counters = { lines: 0, anomalies: 0, actions: 0, spoolDepth: 0 };
  for (let t = since; t < T0 + 4 * HOUR; t += MIN) {
    if (gap && t >= gap[0] && t < gap[1]) continue;
    await recordHeartbeat(db, agentId, { inventory: inv, counters }, t);
  }
  return agentId;
}

const at = (id: string, start: number, over: Partial<Anomaly> = {}) =>
  anomaly(id, { window: { start, end: start + 5 * MIN }, detectedAt: start + 5 * MIN + 10_000, ...over });

const action = (id: string, a: Anomaly, over: Partial<ActionReport>): ActionReport => ({
  id,
  playbook: 'block-ip',
  mode: 'auto',
  decision: 'executed',
  result: 'success',
  dryRun: false,
  why: 'test',
  anomalyId: a.id,
  anomalyType: a.type,
  startedAt: a.detectedAt + 500,
  finishedAt: a.detectedAt + 600,
  ...over,
});

/**
 * A hand-built window [T0, T0+4h) whose every KPI is known: web-1 is silent for one hour, web-2 joins at T0+2h;
 * three brute-force windows form one incident (resolved after 1 h), a disk fill is a false positive, a suspicious
 * command stays open; rows just outside the window must not count.
 */
async function seedKnownWindow(db: Db) {
  const web1 = await agentWithHeartbeats(db, 1, 'web-1', T0 - HOUR, [T0 + HOUR, T0 + 2 * HOUR]);
  const web2 = await agentWithHeartbeats(db, 2, 'web-2', T0 + 2 * HOUR, null);
  const correlator = new FleetCorrelator(db);
  const store = async (agentId: string, host: string, a: Anomaly) => {
    await insertAnomalies(db, agentId, agentId, host, [a], a.detectedAt + 1000);
    return (await correlator.correlate(agentId, [a.id], a.detectedAt + 1000))[0];
  };
  const ssh = [at('ssh-1', T0), at('ssh-2', T0 + 10 * MIN), at('ssh-3', T0 + 20 * MIN)];
  const sshIncident = await store(web1, 'web-1', ssh[0]);
  for (const a of ssh.slice(1)) await store(web1, 'web-1', a);
  const disk = at('disk-1', T0 + 2 * HOUR + 5 * MIN, {
    type: 'disk_fill',
    source: 'ec2.disk',
    entity: { kind: 'host', id: 'web-1' },
  });
  const diskIncident = await store(web1, 'web-1', disk);
  const cmd = at('cmd-1', T0 + 3 * HOUR, { type: 'suspicious_command', entity: { kind: 'user', id: 'mallory' } });
  await store(web2, 'web-2', cmd);
  await store(web1, 'web-1', at('before', T0 - HOUR, { entity: { kind: 'ip', id: '192.0.2.1' } }));
  await store(web1, 'web-1', at('after', T0 + 5 * HOUR, { entity: { kind: 'ip', id: '192.0.2.2' } }));

  const opened = ssh[0].detectedAt + 1000;
  const change = (id: string, state: 'acknowledged' | 'resolved' | 'false_positive', now: number) =>
    db.transaction((tx) => setIncidentState(tx, id, { state, by: 'op', now }));
  await change(sshIncident, 'acknowledged', opened + 10 * MIN);
  await change(sshIncident, 'resolved', opened + HOUR);
  await change(diskIncident, 'false_positive', disk.detectedAt + 1000 + 30 * MIN);

  await insertActions(
    db,
    web1,
    web1,
    'web-1',
    [action('x1', ssh[0], {}), action('x2', ssh[1], { result: 'failure' })],
    T0,
  );
  await insertActions(
    db,
    web1,
    web1,
    'web-1',
    [action('x3', disk, { playbook: 'clean-disk', dryRun: true, result: 'none' })],
    T0,
  );
  const rec = action('x4', cmd, {
    playbook: 'kill-process',
    mode: 'recommend',
    decision: 'recommended',
    result: 'none',
  });
  await insertActions(db, web2, web2, 'web-2', [rec], T0);
  const { rows } = await db.query<{ seq: number }>("SELECT seq FROM actions WHERE action_id = 'x4'");
  const undecided = await undecidedRecommendation(db, rows[0].seq);
  const decidedAt = cmd.detectedAt + 5 * MIN;
  await recordDecision(db, {
    id: 'apr_t',
    action: undecided,
    decision: 'approved',
    via: 'agent',
    reason: 'ok',
    by: 'op',
    at: decidedAt,
    expiresAt: decidedAt + HOUR,
  });
  const run = { playbook: 'kill-process', mode: 'recommend' as const, approvedBy: 'op', recommendationId: 'x4' };
  await insertActions(
    db,
    web2,
    web2,
    'web-2',
    [action('x5', cmd, { ...run, startedAt: decidedAt, finishedAt: decidedAt + 50 })],
    T0,
  );
  const late = at('late', T0 + 6 * HOUR);
  await insertActions(db, web1, web1, 'web-1', [action('x6', late, {})], T0); // outside the window
}

describe.each(backends)('computeKpis ($name)', (backend) => {
  let t: TestDb;
  let k: KpiReport;

  beforeAll(async () => {
    t = await backend.open();
    await seedKnownWindow(t.db);
    k = await computeKpis(t.db, { from: T0, to: T0 + 4 * HOUR, bucketMs: HOUR }, { staleAfterMs: 2 * MIN });
  }, 60_000);
  afterAll(async () => t?.cleanup());

  it('counts anomalies by type, source and bucket inside [from, to) only', () => {
    expect(k.buckets).toEqual([T0, T0 + HOUR, T0 + 2 * HOUR, T0 + 3 * HOUR]);
    expect(k.anomalies.total).toBe(5);
    expect(k.anomalies.byType).toEqual([
      { key: 'ssh_brute_force', count: 3 },
      { key: 'disk_fill', count: 1 },
      { key: 'suspicious_command', count: 1 },
    ]);
    expect(k.anomalies.bySource).toEqual([
      { key: 'ec2.auth', count: 4 },
      { key: 'ec2.disk', count: 1 },
    ]);
    expect(k.anomalies.seriesByType).toEqual({
      ssh_brute_force: [3, 0, 0, 0],
      disk_fill: [0, 0, 1, 0],
      suspicious_command: [0, 0, 0, 1],
    });
    expect(k.anomalies.detectionLatency).toMatchObject({ n: 5, p50Ms: 310_000, meanMs: 310_000 });
    expect(k.top.hosts).toEqual([
      { key: 'web-1', count: 4 },
      { key: 'web-2', count: 1 },
    ]);
    expect(k.top.users).toEqual([{ key: 'mallory', count: 1 }]);
  });

  it('counts incidents by type and status, precision from feedback, MTTD and MTTR', () => {
    expect(k.incidents).toMatchObject({ total: 3, open: 1, acknowledged: 0, resolved: 1, falsePositive: 1 });
    expect(k.incidents.byType.map((r) => [r.type, r.total, r.resolved, r.falsePositive, r.open])).toEqual([
      ['disk_fill', 1, 0, 1, 0],
      ['ssh_brute_force', 1, 1, 0, 0],
      ['suspicious_command', 1, 0, 0, 1],
    ]);
    expect(k.incidents.openedSeries).toEqual([1, 0, 1, 1]);
    expect(k.precision.incidents).toMatchObject({ confirmed: 1, falsePositive: 1, precision: 0.5 });
    // resolving the 3-anomaly incident labels 3 anomalies true positive; the false positive labels 1
    expect(k.precision.labels).toEqual({ confirmed: 3, falsePositive: 1, precision: 0.75, benign: 0, unsure: 0 });
    // opened 5 min window + 10 s detection + 1 s ingest after the first evidence; the false positive is excluded
    expect(k.mttd).toEqual({ n: 2, p50Ms: 311_000, p90Ms: 311_000, meanMs: 311_000 });
    expect(k.mttr).toEqual({ n: 1, p50Ms: HOUR, p90Ms: HOUR, meanMs: HOUR });
  });

  it('splits action success into autonomous and approved, excluding dry runs and other windows', () => {
    const a = k.actions;
    expect(a.total).toBe(5);
    expect(a.dryRuns).toBe(1);
    expect(a.byDecision).toEqual([
      { key: 'executed', count: 4 },
      { key: 'recommended', count: 1 },
    ]);
    expect(a.autonomous).toMatchObject({ success: 1, failure: 1, rate: 0.5 });
    expect(a.autonomous.timeToFix).toMatchObject({ n: 1, p50Ms: 5 * MIN + 10_000 + 600 });
    expect(a.approved).toEqual({ success: 1, failure: 0, rate: 1 });
    expect(a.executed).toEqual({ success: 2, failure: 1, rate: 2 / 3 });
    expect(
      a.byPlaybook.map((p) => [p.playbook, p.recommended, p.auto.success, p.auto.failure, p.approved.success]),
    ).toEqual([
      ['block-ip', 0, 1, 1, 0],
      ['clean-disk', 0, 0, 0, 0],
      ['kill-process', 1, 0, 0, 1],
    ]);
  });

  it('measures uptime from heartbeat coverage, from when each host joined', () => {
    const web1 = k.uptime.hosts.find((h) => h.hostname === 'web-1')!;
    const web2 = k.uptime.hosts.find((h) => h.hostname === 'web-2')!;
    // the last heartbeat before the silent hour still covers its 2-minute stale allowance... up to the next minute
    expect(web1.observedMs).toBe(4 * HOUR);
    expect(web1.liveMs).toBe(4 * HOUR - (HOUR - MIN));
    expect(web2).toMatchObject({ observedMs: 2 * HOUR, liveMs: 2 * HOUR, uptime: 1 });
    expect(k.uptime.hosts[0].hostname).toBe('web-1'); // worst first
    expect(k.uptime.fleetMean).toBeCloseTo((web1.liveMs / web1.observedMs + 1) / 2, 12);
  });

  it('returns nulls, not zeros, for rates over an empty window', async () => {
    const e = await computeKpis(t.db, { from: T0 + 10 * HOUR, to: T0 + 11 * HOUR, bucketMs: HOUR });
    expect(e.anomalies.total).toBe(0);
    expect(e.precision.incidents.precision).toBeNull();
    expect(e.mttr).toEqual({ n: 0, p50Ms: null, p90Ms: null, meanMs: null });
    expect(e.actions.autonomous.rate).toBeNull();
  });
});

describe('window checks', () => {
  it('picks a round bucket and rejects oversized requests by field', async () => {
    expect(defaultBucketMs(T0, T0 + 30 * 86_400_000)).toBe(86_400_000);
    expect(defaultBucketMs(T0, T0 + 4 * HOUR)).toBe(5 * MIN);
    const db = {} as Db; // never reached: the window is rejected first
    await expect(computeKpis(db, { from: T0, to: T0 + 86_400_000, bucketMs: MIN })).rejects.toMatchObject({
      field: 'bucket',
    });
    await expect(computeKpis(db, { from: T0, to: T0, bucketMs: HOUR })).rejects.toMatchObject({ field: 'to' });
  });
});
