import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dbBackends } from '../../test/support/pg.ts';
import type { AlertRecord } from './events.ts';
import { checkStaleAgents, runRetention } from './housekeeping.ts';
import { anomaly, type Harness, harness, inventory, T0 } from './testing/harness.ts';

const backends = await dbBackends();
const DAY = 86_400_000;

describe.each(backends)('housekeeping on $name', (backend) => {
  let h: Harness;
  beforeAll(async () => {
    h = await harness(backend, { staleHeartbeatSeconds: 120 });
  });
  afterAll(() => h.close());

  it('marks a silent agent stale once, raises one alert, and resolves it on the next heartbeat', async () => {
    const raised: AlertRecord[] = [];
    const resolved: AlertRecord[] = [];
    const off1 = h.app.vigil.events.on('alert.raised', (a) => {
      raised.push(a);
    });
    const off2 = h.app.vigil.events.on('alert.resolved', (a) => {
      resolved.push(a);
    });
    const quiet = await h.enroll('i-quiet', 'quiet-1');
    const chatty = await h.enroll('i-chatty', 'chatty-1');
    const hosts: Record<string, string> = { 'i-quiet': 'quiet-1', 'i-chatty': 'chatty-1' };
    const beat = (cred: string, id: string) =>
      h.call({
        method: 'POST',
        url: '/v1/agents/heartbeat',
        token: cred,
        payload: {
          inventory: inventory(id, hosts[id]),
          counters: { lines: 1, anomalies: 0, actions: 0, spoolDepth: 0 },
        },
      });
    await beat(quiet.credential, 'i-quiet');
    h.advance(100_000);
    await beat(chatty.credential, 'i-chatty');
    expect(await checkStaleAgents(h.app.vigil)).toEqual([]);
    h.advance(30_000); // quiet: 130 s silent > 120 s; chatty: 30 s
    const stale = await checkStaleAgents(h.app.vigil);
    expect(stale.map((s) => s.agentId)).toEqual([quiet.agentId]);
    expect(raised).toHaveLength(1);
    expect(raised[0]).toMatchObject({
      kind: 'agent_stale',
      subject: quiet.agentId,
      severity: 'high',
      resolvedAt: null,
    });
    expect(raised[0].message).toContain('quiet-1');
    h.advance(100_000); // chatty: 130 s silent
    expect(await checkStaleAgents(h.app.vigil)).toEqual([expect.objectContaining({ agentId: chatty.agentId })]);
    expect(raised).toHaveLength(2);
    const viewer = await h.token('viewer');
    const open = (await h.call({ url: '/v1/alerts?open=true', token: viewer })).json();
    expect(open.items.map((a: AlertRecord) => a.subject).sort()).toEqual([quiet.agentId, chatty.agentId].sort());
    expect((await beat(quiet.credential, 'i-quiet')).statusCode).toBe(200);
    expect(resolved.map((a) => a.subject)).toEqual([quiet.agentId]);
    const agents = (await h.call({ url: '/v1/agents', token: viewer })).json().items;
    expect(agents.find((a: { id: string }) => a.id === quiet.agentId).status).toBe('active');
    off1();
    off2();
  });

  it('enforces retention per table and keeps what is configured to be kept', async () => {
    const { credential } = await h.enroll('i-ret', 'ret-1');
    const old = anomaly('old', { window: { start: h.now() - 100 * DAY, end: h.now() - 100 * DAY + 1 } });
    const recent = anomaly('recent', { window: { start: h.now() - DAY, end: h.now() - DAY + 1 } });
    await h.call({
      method: 'POST',
      url: '/v1/agents/anomalies',
      token: credential,
      payload: { anomalies: [old, recent] },
    });
    await h.t.db.query(
      `INSERT INTO feedback_labels (id, anomaly_origin, anomaly_id, label, created_by, created_at)
       VALUES ('fbk_1', 'x', 'old', 'true_positive', 'test', $1)`,
      [h.now() - 1000 * DAY],
    );
    await h.t.db.query(
      `INSERT INTO alerts (id, kind, severity, subject, message, raised_at, resolved_at)
       VALUES ('alr_old_open', 'k', 'low', 's1', 'm', $1, NULL), ('alr_old_done', 'k', 'low', 's2', 'm', $1, $1)`,
      [h.now() - 1000 * DAY],
    );
    const deleted = await runRetention(h.app.vigil);
    expect(deleted.anomalies).toBe(1);
    expect(deleted.feedback_labels).toBeUndefined(); // 0 days = keep forever
    expect(deleted.alerts).toBe(1);
    const ids = (await h.t.db.query<{ anomaly_id: string }>('SELECT anomaly_id FROM anomalies')).rows.map(
      (r) => r.anomaly_id,
    );
    expect(ids).toContain('recent');
    expect(ids).not.toContain('old');
    expect((await h.t.db.query('SELECT id FROM feedback_labels')).rows).toHaveLength(1);
    expect((await h.t.db.query('SELECT id FROM alerts WHERE id LIKE $1', ['alr_old%'])).rows).toEqual([
      { id: 'alr_old_open' },
    ]);
    h.advance(400 * DAY);
    const later = await runRetention(h.app.vigil);
    expect(later.audit_log).toBeGreaterThan(0);
    expect(later.heartbeats).toBeGreaterThan(0);
    expect(T0).toBeLessThan(h.now());
  });
});
