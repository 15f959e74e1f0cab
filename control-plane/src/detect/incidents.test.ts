import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LogEvent } from '../../../models/src/schema/index.ts';
import { dbBackends } from '../../../test/support/pg.ts';
import { anomaly, type Harness, harness, T0 } from '../testing/harness.ts';
import { incidentsPlugin } from './incidents-plugin.ts';
import { RegionRule } from './region-rule.ts';

const backends = await dbBackends();

describe.each(backends)('incidents and fleet correlation ($name)', (backend) => {
  let h: Harness;
  let agents: { agentId: string; credential: string }[];

  beforeAll(async () => {
    h = await harness(backend, {}, { plugins: [incidentsPlugin({ bruteForceHosts: 3 })] });
    agents = [];
    for (const [i, name] of ['web-1', 'web-2', 'web-3', 'db-1'].entries())
      agents.push(await h.enroll(`i-0000${i}`, name));
  });
  afterAll(async () => h?.close());

  const send = async (agent: { credential: string }, items: ReturnType<typeof anomaly>[]) => {
    const res = await h.call({
      method: 'POST',
      url: '/v1/agents/anomalies',
      headers: { authorization: `Bearer ${agent.credential}` },
      payload: { anomalies: items },
    });
    expect(res.statusCode).toBeLessThan(300);
    await h.app.vigil.events.drain();
  };

  it('one IP brute-forcing three hosts becomes one critical distributed_brute_force incident', async () => {
    await send(agents[0], [anomaly('a-1')]);
    await send(agents[1], [anomaly('a-2', { window: { start: T0 + 600_000, end: T0 + 900_000 } })]);
    await send(agents[2], [anomaly('a-3', { window: { start: T0 + 1_200_000, end: T0 + 1_500_000 } })]);
    // unrelated: another IP on db-1
    await send(agents[3], [anomaly('b-1', { entity: { kind: 'ip', id: '192.0.2.50' }, severity: 'medium' })]);
    const viewer = await h.token('viewer');
    const list = await h.call({ method: 'GET', url: '/v1/incidents?limit=10', token: viewer });
    expect(list.statusCode).toBe(200);
    const items = list.json().items;
    expect(items).toHaveLength(2);
    const dbf = items.find((i: { kind: string }) => i.kind === 'distributed_brute_force');
    expect(dbf).toMatchObject({ severity: 'critical', status: 'open', anomalyCount: 3 });
    expect(dbf.title).toContain('203.0.113.7');

    const one = await h.call({ method: 'GET', url: `/v1/incidents/${dbf.id}`, token: viewer });
    expect(one.json().keys).toContain('ip:203.0.113.7');
    expect(
      one
        .json()
        .anomalies.map((a: { host: string }) => a.host)
        .sort(),
    ).toEqual(['web-1', 'web-2', 'web-3']);
    expect(one.json().anomalies[0].evidence.lines.length).toBeGreaterThan(0);

    const page1 = await h.call({ method: 'GET', url: '/v1/incidents?limit=1', token: viewer });
    const page2 = await h.call({
      method: 'GET',
      url: `/v1/incidents?limit=1&cursor=${page1.json().nextCursor}`,
      token: viewer,
    });
    expect(page2.json().items[0].id).not.toBe(page1.json().items[0].id);
    const crit = await h.call({ method: 'GET', url: '/v1/incidents?severity=critical', token: viewer });
    expect(crit.json().items).toHaveLength(1);
  });

  it('lifecycle: acknowledge, then false-positive stores feedback labels; viewers cannot change state', async () => {
    const viewer = await h.token('viewer');
    const operator = await h.token('operator');
    const [inc] = (
      await h.call({ method: 'GET', url: '/v1/incidents?kind=distributed_brute_force', token: viewer })
    ).json().items;
    const denied = await h.call({
      method: 'POST',
      url: `/v1/incidents/${inc.id}/state`,
      token: viewer,
      payload: { state: 'acknowledged' },
    });
    expect(denied.statusCode).toBe(403);
    const ack = await h.call({
      method: 'POST',
      url: `/v1/incidents/${inc.id}/state`,
      token: operator,
      payload: { state: 'acknowledged' },
    });
    expect(ack.json(), ack.body).toMatchObject({ incident: { status: 'acknowledged', closedAt: null }, labels: 0 });
    const fp = await h.call({
      method: 'POST',
      url: `/v1/incidents/${inc.id}/state`,
      token: operator,
      payload: { state: 'false_positive', note: 'pentest from our scanner' },
    });
    expect(fp.json()).toMatchObject({ incident: { status: 'false_positive' }, labels: 3 });
    const { rows } = await h.t.db.query<{ label: string; incident_id: string }>(
      'SELECT label, incident_id FROM feedback_labels',
    );
    expect(rows).toHaveLength(3);
    expect(rows.every((r) => r.label === 'false_positive' && r.incident_id === inc.id)).toBe(true);
    const missing = await h.call({
      method: 'POST',
      url: '/v1/incidents/inc_000000000000000000000000/state',
      token: operator,
      payload: { state: 'resolved' },
    });
    expect(missing.statusCode).toBe(404);
    const badState = await h.call({
      method: 'POST',
      url: `/v1/incidents/${inc.id}/state`,
      token: operator,
      payload: { state: 'closed' },
    });
    expect(badState.json().error.field).toBe('state');
    // a closed incident is never reopened: the same IP again opens a new one
    await send(agents[0], [anomaly('a-4', { window: { start: T0 + 1_300_000, end: T0 + 1_600_000 } })]);
    const open = await h.call({ method: 'GET', url: '/v1/incidents?status=open', token: viewer });
    expect(open.json().items.map((i: { id: string }) => i.id)).not.toContain(inc.id);
  });

  it('unusual region: the first region is the baseline, a new one for a known principal is an anomaly', async () => {
    const rule = new RegionRule(h.t.db);
    const ev = (region: string, ts: number): LogEvent => ({
      ts,
      source: 'cloudtrail',
      principal: 'arn:aws:iam::1:user/bob',
      region,
      action: 'ListBuckets',
      outcome: 'success',
      raw: `{"awsRegion":"${region}"}`,
    });
    expect(await rule.observe([ev('us-east-1', T0), ev('us-east-1', T0 + 1)], T0)).toEqual([]);
    const found = await rule.observe([ev('ap-southeast-2', T0 + 2), ev('ap-southeast-2', T0 + 3)], T0);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({
      type: 'unusual_region',
      model: 'rule',
      evidence: { targets: { region: 'ap-southeast-2', knownRegions: 'us-east-1' } },
    });
    // state survives a restart (it is in principal_regions)
    expect(await new RegionRule(h.t.db).observe([ev('ap-southeast-2', T0 + 4)], T0)).toEqual([]);
  });
});
