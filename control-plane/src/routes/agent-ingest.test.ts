import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dbBackends } from '../../../test/support/pg.ts';
import type { ActionReport } from '../api/schemas.ts';
import { anomaly, type Harness, harness, T0 } from '../testing/harness.ts';

const backends = await dbBackends();

const action = (id: string, over: Partial<ActionReport> = {}): ActionReport => ({
  id,
  playbook: 'block-ip',
  mode: 'auto',
  decision: 'executed',
  result: 'success',
  dryRun: false,
  why: 'ssh_brute_force from 203.0.113.7 scored 0.97',
  anomalyId: 'a-1',
  anomalyType: 'ssh_brute_force',
  severity: 'high',
  score: 0.97,
  target: '203.0.113.7',
  evidence: { targets: { ip: '203.0.113.7' }, topFeatures: ['auth.failed_count'], lines: ['sshd: Failed password'] },
  plan: { ip: '203.0.113.7', ttlSeconds: 3600 },
  exec: { ok: true, detail: 'added to nft set vigil_block', facts: { set: 'vigil_block' } },
  verify: { ok: true, detail: 'element present' },
  startedAt: T0 + 302_000,
  finishedAt: T0 + 302_050,
  ...over,
});

describe.each(backends)('agent ingest on $name', (backend) => {
  let h: Harness;
  let agent: { agentId: string; credential: string };
  beforeAll(async () => {
    h = await harness(backend, { maxBatchItems: 50, ingestBodyLimit: 64 * 1024 });
    agent = await h.enroll('i-ingest', 'web-7');
  });
  afterAll(() => h.close());

  const send = (url: string, payload: unknown, key?: string) =>
    h.call({
      method: 'POST',
      url,
      token: agent.credential,
      headers: key ? { 'idempotency-key': key } : {},
      payload: payload as object,
    });
  const count = async (table: string) =>
    (await h.t.db.query<{ n: number }>(`SELECT count(*) AS n FROM ${table}`)).rows[0].n;

  it('a re-sent batch adds no rows and reports every item as duplicate', async () => {
    const batch = { anomalies: [anomaly('x-1'), anomaly('x-2'), anomaly('x-1'), anomaly('x-3')] };
    const first = await send('/v1/agents/anomalies', batch, 'batch-1');
    expect(first.statusCode).toBe(200);
    expect(first.json()).toEqual({
      accepted: 3,
      duplicates: 1,
      replayed: false,
      results: [
        { id: 'x-1', status: 'accepted' },
        { id: 'x-2', status: 'accepted' },
        { id: 'x-1', status: 'duplicate' },
        { id: 'x-3', status: 'accepted' },
      ],
    });
    const rows = await count('anomalies');
    const again = await send('/v1/agents/anomalies', batch, 'batch-1');
    expect(again.json()).toMatchObject({ accepted: 0, duplicates: 4, replayed: true });
    // A retry without the batch key is still safe: items are idempotent on their own ids.
    const noKey = await send('/v1/agents/anomalies', batch);
    expect(noKey.json()).toMatchObject({ accepted: 0, duplicates: 4, replayed: false });
    expect(await count('anomalies')).toBe(rows);
  });

  it('a partly new batch inserts only the new items', async () => {
    const res = await send('/v1/agents/anomalies', { anomalies: [anomaly('x-2'), anomaly('x-4')] });
    expect(res.json().results).toEqual([
      { id: 'x-2', status: 'duplicate' },
      { id: 'x-4', status: 'accepted' },
    ]);
  });

  it('refuses an Idempotency-Key reused for a different body', async () => {
    const res = await send('/v1/agents/anomalies', { anomalies: [anomaly('x-9')] }, 'batch-1');
    expect(res.statusCode).toBe(422);
    expect(res.json().error).toMatchObject({ code: 'idempotency_key_reused', field: 'Idempotency-Key' });
    // The refused batch left nothing behind (one transaction).
    const { rows } = await h.t.db.query("SELECT 1 FROM anomalies WHERE anomaly_id = 'x-9'");
    expect(rows).toEqual([]);
  });

  it('stores every Anomaly field and reads it back unchanged', async () => {
    const a = anomaly('x-full', {
      type: 'unknown',
      model: 'fused',
      host: 'web-7b',
      evidence: {
        topFeatures: [{ name: 'f', value: 1.5, contribution: 0.25 }],
        lines: ['quote " backslash \\ comma , brace { tab \t'],
        contributors: [{ model: 'autoencoder', score: 0.8 }],
        targets: { pid: 4242, startTime: 1740830400000 },
      },
    });
    await send('/v1/agents/anomalies', { anomalies: [a] });
    const viewer = await h.token('viewer');
    const res = await h.call({ url: '/v1/anomalies?host=web-7b', token: viewer });
    expect(res.json().items).toEqual([{ anomaly: a, agentId: agent.agentId, receivedAt: h.now() }]);
  });

  it('keeps a line with a NUL byte (replaced by U+FFFD) instead of failing the batch', async () => {
    const res = await send('/v1/agents/anomalies', {
      anomalies: [
        anomaly('x-nul', {
          evidence: { topFeatures: [], lines: ['a\u0000b'] },
          entity: { kind: 'user', id: 'r\u0000t' },
        }),
      ],
    });
    expect(res.json().accepted).toBe(1);
    const { rows } = await h.t.db.query<{ evidence: { lines: string[] }; entity_id: string }>(
      "SELECT evidence, entity_id FROM anomalies WHERE anomaly_id = 'x-nul'",
    );
    expect(rows[0]).toEqual({ evidence: { topFeatures: [], lines: ['a\uFFFDb'] }, entity_id: 'r\uFFFDt' });
  });

  it('fills host from the agent when the anomaly has none', async () => {
    const { host: _omit, ...bare } = anomaly('x-nohost');
    await send('/v1/agents/anomalies', { anomalies: [bare] });
    const { rows } = await h.t.db.query("SELECT host FROM anomalies WHERE anomaly_id = 'x-nohost'");
    expect(rows[0]).toEqual({ host: 'web-7' });
  });

  it('names the bad field, and enforces batch size and body size', async () => {
    const bad = await send('/v1/agents/anomalies', { anomalies: [anomaly('ok'), { ...anomaly('bad'), score: 2 }] });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error).toMatchObject({ code: 'invalid_request', field: 'anomalies.1.score' });
    const typo = await send('/v1/agents/anomalies', { anomalies: [{ ...anomaly('t'), sevrity: 'high' }] });
    expect(typo.json().error.field).toBe('anomalies.0.sevrity');
    const tooMany = await send('/v1/agents/anomalies', {
      anomalies: Array.from({ length: 51 }, (_, i) => anomaly(`n${i}`)),
    });
    expect(tooMany.statusCode).toBe(400);
    expect(tooMany.json().error.field).toBe('anomalies');
    const huge = anomaly('huge', {
      evidence: { topFeatures: [], lines: Array.from({ length: 20 }, () => 'x'.repeat(4000)) },
    });
    const tooBig = await send('/v1/agents/anomalies', { anomalies: [huge] });
    expect(tooBig.statusCode).toBe(413);
    expect(tooBig.json().error.code).toBe('payload_too_large');
    const empty = await send('/v1/agents/anomalies', { anomalies: [] });
    expect(empty.statusCode).toBe(400);
    const badKey = await send('/v1/agents/anomalies', { anomalies: [anomaly('k')] }, 'has space');
    expect(badKey.json().error.field).toBe('idempotency-key');
  });

  it('ingests actions with outcomes idempotently', async () => {
    const batch = {
      actions: [
        action('act-1'),
        action('act-2', { decision: 'recommended', result: 'none', exec: undefined, verify: undefined }),
      ],
    };
    const first = await send('/v1/agents/actions', batch, 'act-batch');
    expect(first.json()).toMatchObject({ accepted: 2, duplicates: 0 });
    const again = await send('/v1/agents/actions', batch, 'act-batch');
    expect(again.json()).toMatchObject({ accepted: 0, duplicates: 2, replayed: true });
    expect(await count('actions')).toBe(2);
    const { rows } = await h.t.db.query<{ stage: string; ok: boolean }>(
      'SELECT o.stage, o.ok FROM action_outcomes o JOIN actions a ON a.seq = o.action_seq ORDER BY o.stage',
    );
    expect(rows).toEqual([
      { stage: 'exec', ok: true },
      { stage: 'verify', ok: true },
    ]);
  });

  it('pages anomalies newest first with filters and a stable cursor', async () => {
    const many = Array.from({ length: 25 }, (_, i) =>
      anomaly(`p-${i}`, {
        host: 'pager',
        type: i % 2 ? 'port_scan' : 'ddos',
        window: { start: T0 + i * 1000, end: T0 + i * 1000 + 500 },
      }),
    );
    await send('/v1/agents/anomalies', { anomalies: many });
    const viewer = await h.token('viewer');
    const seen: string[] = [];
    let cursor: string | null = '';
    while (cursor !== null) {
      const url: string = `/v1/anomalies?host=pager&limit=7${cursor ? `&cursor=${cursor}` : ''}`;
      const page = (await h.call({ url, token: viewer })).json();
      seen.push(...page.items.map((i: { anomaly: { id: string } }) => i.anomaly.id));
      cursor = page.nextCursor;
    }
    expect(seen).toEqual(many.map((a) => a.id).reverse());
    const filtered = (
      await h.call({ url: `/v1/anomalies?host=pager&type=ddos&since=${T0 + 4000}&until=${T0 + 10_000}`, token: viewer })
    ).json();
    expect(filtered.items.map((i: { anomaly: { id: string } }) => i.anomaly.id)).toEqual(['p-8', 'p-6', 'p-4']);
    const badCursor = await h.call({ url: '/v1/anomalies?cursor=Zm9v', token: viewer });
    expect(badCursor.json().error).toMatchObject({ code: 'invalid_request', field: 'cursor' });
  });
});

describe('audit of agent telemetry', () => {
  it('can skip successful heartbeats and batches, never failures or enrollment', async () => {
    const h = await harness(backends[0], { auditAgentTelemetry: false });
    try {
      const { credential } = await h.enroll('i-quiet-audit');
      await h.call({
        method: 'POST',
        url: '/v1/agents/anomalies',
        token: credential,
        payload: { anomalies: [anomaly('q-1')] },
      });
      await h.call({ method: 'POST', url: '/v1/agents/anomalies', token: credential, payload: { anomalies: [] } });
      const { rows } = await h.t.db.query<{ action: string; result: string }>(
        'SELECT action, result FROM audit_log ORDER BY seq',
      );
      expect(rows).toEqual([
        { action: 'enrollment_token.create', result: 'ok' },
        { action: 'agent.enroll', result: 'ok' },
        { action: 'agent.anomalies', result: 'error' },
      ]);
    } finally {
      await h.close();
    }
  });
});
