import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dbBackends } from '../../../test/support/pg.ts';
import { type Harness, harness, inventory } from '../testing/harness.ts';

const backends = await dbBackends();
const counters = { lines: 10, anomalies: 1, actions: 0, spoolDepth: 0 };

describe.each(backends)('agent enrollment and credentials on $name', (backend) => {
  let h: Harness;
  beforeAll(async () => {
    h = await harness(backend, { credentialOverlapSeconds: 60 });
  });
  afterAll(() => h.close());

  const heartbeat = (credential: string, instanceId = 'i-0abc123') =>
    h.call({
      method: 'POST',
      url: '/v1/agents/heartbeat',
      token: credential,
      payload: { inventory: inventory(instanceId), counters },
    });

  it('an enrollment token works exactly once', async () => {
    const admin = await h.token('admin');
    const created = (await h.call({ method: 'POST', url: '/v1/enrollment-tokens', token: admin, payload: {} })).json();
    expect(created.token).toMatch(/^vgl_en_[A-Za-z0-9_-]{43}$/);
    const enroll = () =>
      h.call({
        method: 'POST',
        url: '/v1/agents/enroll',
        payload: { token: created.token, inventory: inventory('i-once') },
      });
    const first = await enroll();
    expect(first.statusCode).toBe(201);
    expect(first.json().credential).toMatch(/^vgl_ag_[A-Za-z0-9_-]{43}$/);
    const second = await enroll();
    expect(second.statusCode).toBe(401);
    expect(second.json()).toEqual({
      error: {
        code: 'invalid_enrollment_token',
        message: 'enrollment token is unknown, expired or already used',
        field: 'token',
      },
    });
    const { rows } = await h.t.db.query<{ used_by_agent: string }>(
      'SELECT used_by_agent FROM enrollment_tokens WHERE id = $1',
      [created.id],
    );
    expect(rows[0].used_by_agent).toBe(first.json().agentId);
  });

  it('an expired enrollment token is refused', async () => {
    const admin = await h.token('admin');
    const created = (
      await h.call({ method: 'POST', url: '/v1/enrollment-tokens', token: admin, payload: { ttlSeconds: 60 } })
    ).json();
    h.advance(61_000);
    const res = await h.call({
      method: 'POST',
      url: '/v1/agents/enroll',
      payload: { token: created.token, inventory: inventory('i-late') },
    });
    expect(res.statusCode).toBe(401);
  });

  it('a heartbeat updates the inventory; a credential from another instance is refused', async () => {
    const { agentId, credential } = await h.enroll('i-0abc123');
    const res = await heartbeat(credential);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ serverTime: h.now(), heartbeatIntervalSeconds: 30 });
    const viewer = await h.token('viewer');
    const list = (await h.call({ url: '/v1/agents?hostname=web-1', token: viewer })).json();
    expect(list.items.find((a: { id: string }) => a.id === agentId)).toMatchObject({
      status: 'active',
      region: 'us-east-1',
      lastHeartbeatAt: h.now(),
      counters,
    });
    const moved = await heartbeat(credential, 'i-someoneelse');
    expect(moved.statusCode).toBe(409);
    expect(moved.json().error).toMatchObject({ code: 'instance_mismatch', field: 'inventory.instanceId' });
  });

  it('a revoked agent is rejected at once', async () => {
    const { agentId, credential } = await h.enroll('i-revoke-me', 'db-1');
    expect((await heartbeat(credential, 'i-revoke-me')).statusCode).toBe(200);
    const admin = await h.token('admin');
    const revoke = await h.call({ method: 'POST', url: `/v1/agents/${agentId}/revoke`, token: admin });
    expect(revoke.statusCode).toBe(204);
    const after = await heartbeat(credential, 'i-revoke-me');
    expect(after.statusCode).toBe(401);
    expect(after.json().error.code).toBe('invalid_credential');
    const missing = await h.call({
      method: 'POST',
      url: '/v1/agents/agt_000000000000000000000000/revoke',
      token: admin,
    });
    expect(missing.statusCode).toBe(404);
  });

  it('re-enrolling the same instance keeps the agent id and retires its old secret', async () => {
    const first = await h.enroll('i-reinstall');
    const second = await h.enroll('i-reinstall');
    expect(second.agentId).toBe(first.agentId);
    expect((await heartbeat(first.credential, 'i-reinstall')).statusCode).toBe(401);
    expect((await heartbeat(second.credential, 'i-reinstall')).statusCode).toBe(200);
  });

  it('rotation returns a new secret; the old one works only during the overlap', async () => {
    const { credential: old } = await h.enroll('i-rotate');
    const rotated = await h.call({ method: 'POST', url: '/v1/agents/rotate', token: old });
    expect(rotated.statusCode).toBe(200);
    const { credential: fresh, previousValidUntil } = rotated.json();
    expect(fresh).not.toBe(old);
    expect(previousValidUntil).toBe(h.now() + 60_000);
    expect((await heartbeat(old, 'i-rotate')).statusCode).toBe(200);
    expect((await heartbeat(fresh, 'i-rotate')).statusCode).toBe(200);
    // A superseded secret cannot mint another one.
    const again = await h.call({ method: 'POST', url: '/v1/agents/rotate', token: old });
    expect(again.statusCode).toBe(409);
    expect(again.json().error.code).toBe('credential_superseded');
    h.advance(60_001);
    expect((await heartbeat(old, 'i-rotate')).statusCode).toBe(401);
    expect((await heartbeat(fresh, 'i-rotate')).statusCode).toBe(200);
  });

  it('audits enrollment, rotation and revocation with actor and target', async () => {
    const operator = await h.token('operator');
    const audit = (await h.call({ url: '/v1/audit?limit=1000', token: operator })).json().items as {
      action: string;
      actorKind: string;
      result: string;
      target: string | null;
    }[];
    const actions = new Set(audit.map((a) => a.action));
    for (const a of ['enrollment_token.create', 'agent.enroll', 'agent.rotate', 'agent.revoke', 'agent.heartbeat']) {
      expect(actions).toContain(a);
    }
    expect(audit.find((a) => a.action === 'agent.enroll' && a.result === 'denied')).toMatchObject({
      actorKind: 'anonymous',
    });
    expect(audit.find((a) => a.action === 'agent.revoke' && a.result === 'ok')).toMatchObject({
      actorKind: 'operator',
    });
  });
});
