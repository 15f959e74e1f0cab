import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dbBackends } from '../../../test/support/pg.ts';
import { anomaly, type Harness, harness, inventory } from '../testing/harness.ts';

const backends = await dbBackends();

type Who = 'none' | 'agent' | 'viewer' | 'operator' | 'admin';

/** One representative call per access level, each with a body that would succeed for the right caller. */
const CALLS = [
  {
    level: 'agent',
    method: 'POST',
    url: '/v1/agents/heartbeat',
    body: () => ({ inventory: inventory(), counters: { lines: 0, anomalies: 0, actions: 0, spoolDepth: 0 } }),
  },
  {
    level: 'agent',
    method: 'POST',
    url: '/v1/agents/anomalies',
    body: () => ({ anomalies: [anomaly(`m-${Math.random()}`)] }),
  },
  { level: 'viewer', method: 'GET', url: '/v1/agents' },
  { level: 'viewer', method: 'GET', url: '/v1/anomalies' },
  { level: 'operator', method: 'GET', url: '/v1/audit' },
  { level: 'admin', method: 'POST', url: '/v1/enrollment-tokens', body: () => ({}) },
  { level: 'admin', method: 'POST', url: '/v1/tokens', body: () => ({ name: 'someone', role: 'viewer' }) },
] as const;

const ALLOWED: Record<string, Who[]> = {
  agent: ['agent'],
  viewer: ['viewer', 'operator', 'admin'],
  operator: ['operator', 'admin'],
  admin: ['admin'],
};

describe.each(backends)('access control on $name', (backend) => {
  let h: Harness;
  const creds = {} as Record<Who, string | undefined>;
  beforeAll(async () => {
    h = await harness(backend);
    creds.none = undefined;
    creds.agent = (await h.enroll()).credential;
    for (const role of ['viewer', 'operator', 'admin'] as const) creds[role] = await h.token(role);
  });
  afterAll(() => h.close());

  for (const call of CALLS) {
    it(`${call.method} ${call.url} (${call.level}) admits exactly ${ALLOWED[call.level].join(', ')}`, async () => {
      for (const who of ['none', 'agent', 'viewer', 'operator', 'admin'] as Who[]) {
        const res = await h.call({
          method: call.method,
          url: call.url,
          token: creds[who],
          payload: 'body' in call ? call.body() : undefined,
        });
        const allowed = ALLOWED[call.level].includes(who);
        const label = `${who} -> ${call.method} ${call.url}: ${res.body}`;
        if (allowed) expect(res.statusCode, label).toBeLessThan(300);
        else if (who === 'none') expect(res.statusCode, label).toBe(401);
        else {
          expect(res.statusCode, label).toBe(403);
          const kindMismatch = (who === 'agent') !== (call.level === 'agent');
          expect(res.json().error.code, label).toBe(kindMismatch ? 'wrong_credential_kind' : 'forbidden');
        }
      }
    });
  }

  it('refuses malformed, unknown and enrollment tokens as credentials', async () => {
    for (const header of ['Basic abc', 'Bearer', 'Bearer vgl_op_short', `Bearer vgl_op_${'A'.repeat(43)}`]) {
      const res = await h.call({ url: '/v1/agents', headers: { authorization: header } });
      expect(res.statusCode, header).toBe(401);
    }
    const admin = creds.admin!;
    const enr = (await h.call({ method: 'POST', url: '/v1/enrollment-tokens', token: admin, payload: {} })).json();
    const res = await h.call({ url: '/v1/agents', token: enr.token });
    expect(res.statusCode).toBe(401);
  });

  it('a revoked operator token stops working', async () => {
    const created = (
      await h.call({
        method: 'POST',
        url: '/v1/tokens',
        token: creds.admin,
        payload: { name: 'temp', role: 'operator' },
      })
    ).json();
    expect((await h.call({ url: '/v1/audit', token: created.token })).statusCode).toBe(200);
    const revoked = await h.call({ method: 'POST', url: `/v1/tokens/${created.id}/revoke`, token: creds.admin });
    expect(revoked.statusCode).toBe(204);
    expect((await h.call({ url: '/v1/audit', token: created.token })).statusCode).toBe(401);
  });

  it('audits denied mutations too, and never stores a secret', async () => {
    await h.call({ method: 'POST', url: '/v1/enrollment-tokens', token: creds.viewer, payload: {} });
    const { rows } = await h.t.db.query<{ actor_id: string; result: string; status: number }>(
      "SELECT actor_id, result, status FROM audit_log WHERE action = 'enrollment_token.create' AND result = 'denied'",
    );
    expect(rows).toContainEqual({ actor_id: 'test-viewer', result: 'denied', status: 403 });
    const dump = JSON.stringify((await h.t.db.query('SELECT * FROM audit_log')).rows);
    for (const secret of Object.values(creds)) if (secret) expect(dump).not.toContain(secret.slice(7));
  });
});

describe('auth failure limit', () => {
  it('answers 429 with Retry-After after too many failed authentications from one address', async () => {
    const h = await harness(backends[0], { rateLimit: { authFailuresPerMinute: 3 } as never });
    try {
      const bad = `vgl_op_${'B'.repeat(43)}`;
      const codes: number[] = [];
      for (let i = 0; i < 5; i++) codes.push((await h.call({ url: '/v1/agents', token: bad })).statusCode);
      expect(codes).toEqual([401, 401, 401, 429, 429]);
      const limited = await h.call({ url: '/v1/agents', token: await h.token('viewer') });
      expect(limited.statusCode).toBe(429);
      expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
      h.advance(60_001);
      expect((await h.call({ url: '/v1/agents', token: await h.token('viewer') })).statusCode).toBe(200);
    } finally {
      await h.close();
    }
  });
});
