import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SPOOL_KIND } from '../pipeline/outbox.ts';
import { StateDb } from '../state/index.ts';
import { backoffMs, parseRetryAfter } from './backoff.ts';
import { ControlPlaneDestination } from './cp-destination.ts';
import { FakeServer } from './fake-server.ts';
import { ControlPlaneHttp } from './http.ts';
import { SpoolDrain } from './spool-drain.ts';

let dir: string;
let db: StateDb;
let server: FakeServer;
let now: number;
let invalidated = 0;

beforeEach(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'vigil-drain-'));
  now = 1_000_000;
  db = StateDb.open(path.join(dir, 'agent.db'), { now: () => now });
  server = await new FakeServer().start();
  invalidated = 0;
});
afterEach(async () => {
  await server.stop();
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

const item = (id: string) => ({ id, type: 'ssh_brute_force', score: 0.9 });

function drain(batch = 10): SpoolDrain {
  const http = new ControlPlaneHttp(server.url, 5000, 'test');
  const dest = new ControlPlaneDestination(batch, {
    http,
    credential: () => `vgl_ag_${'x'.repeat(43)}`,
    onInvalidCredential: () => invalidated++,
  });
  return new SpoolDrain(db.spool, [dest], {
    intervalMs: 1000,
    baseMs: 1000,
    capMs: 300_000,
    deadLetterFile: path.join(dir, 'dead-letter.jsonl'),
    now: () => now,
    random: () => 0.5,
  });
}

const ok = (r: { body: unknown }) => {
  const list = (r.body as { anomalies: { id: string }[] }).anomalies;
  return {
    status: 200,
    body: {
      accepted: list.length,
      duplicates: 0,
      replayed: false,
      results: list.map((a) => ({ id: a.id, status: 'accepted' })),
    },
  };
};

describe('spool drain to the control plane', () => {
  it('sends oldest first in batches with the bearer credential and a stable idempotency key, then forgets them', async () => {
    for (const id of ['a1', 'a2', 'a3']) db.spool.enqueue(SPOOL_KIND.anomaly, `a:${id}`, item(id));
    server.handler = ok;
    await drain(2).pass();
    expect(server.requests.map((r) => (r.body as { anomalies: { id: string }[] }).anomalies.map((a) => a.id))).toEqual([
      ['a1', 'a2'],
      ['a3'],
    ]);
    expect(server.requests[0].headers.authorization).toBe(`Bearer vgl_ag_${'x'.repeat(43)}`);
    expect(server.requests[0].headers['idempotency-key']).toMatch(/^b-[0-9a-f]{48}$/);
    expect(db.spool.stats().count).toBe(0);
  });

  it('backs off with jitter on 429, honouring Retry-After, and resends the same batch with the same key', async () => {
    db.spool.enqueue(SPOOL_KIND.anomaly, 'a:a1', item('a1'));
    server.handler = () => ({
      status: 429,
      headers: { 'retry-after': '7' },
      body: { error: { code: 'rate_limited', message: 'slow down' } },
    });
    const d = drain();
    await d.pass();
    expect(db.spool.due(10, now + 6999)).toEqual([]);
    expect(db.spool.due(10, now + 7000)).toHaveLength(1);
    now += 7000;
    server.handler = ok;
    await d.pass();
    expect(db.spool.stats().count).toBe(0);
    expect(server.requests[1].headers['idempotency-key']).toBe(server.requests[0].headers['idempotency-key']);
  });

  it('retries 5xx and network errors with exponential backoff', async () => {
    db.spool.enqueue(SPOOL_KIND.action, 'x:e1', { id: 'e1' });
    server.handler = () => ({ status: 503, body: { error: { code: 'shutting_down', message: 'bye' } } });
    const d = drain();
    await d.pass();
    await d.pass(); // not due yet: nothing sent
    expect(server.requests).toHaveLength(1);
    const [first] = db.spool.due(10, now + 10_000);
    expect(first.attempts).toBe(1);
    expect(first.nextAttemptAt - now).toBe(500); // random 0.5 * min(cap, 1000 * 2^0)
    expect(server.requests[0].url).toBe('/v1/agents/actions');
  });

  it('dead-letters the one item a 400 names and resends the rest', async () => {
    for (const id of ['a1', 'a2', 'a3']) db.spool.enqueue(SPOOL_KIND.anomaly, `a:${id}`, item(id));
    let calls = 0;
    server.handler = (r) =>
      calls++ === 0
        ? {
            status: 400,
            body: {
              error: {
                code: 'invalid_request',
                message: 'body anomalies.1.score: Expected number',
                field: 'anomalies.1.score',
              },
            },
          }
        : ok(r);
    const d = drain();
    await d.pass();
    now += 60_000;
    await d.pass();
    expect(db.spool.stats().count).toBe(0);
    expect((server.requests[1].body as { anomalies: { id: string }[] }).anomalies.map((a) => a.id)).toEqual([
      'a1',
      'a3',
    ]);
    const dead = readFileSync(path.join(dir, 'dead-letter.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(dead).toEqual([
      expect.objectContaining({ key: 'a:a2', reason: expect.stringContaining('anomalies.1.score'), body: item('a2') }),
    ]);
    expect(d.deadLettered).toBe(1);
  });

  it('halves the batch on 413 until it fits', async () => {
    for (let i = 0; i < 8; i++) db.spool.enqueue(SPOOL_KIND.anomaly, `a:${i}`, item(`a${i}`));
    server.handler = (r) =>
      (r.body as { anomalies: unknown[] }).anomalies.length > 2
        ? { status: 413, body: { error: { code: 'payload_too_large', message: 'too big' } } }
        : ok(r);
    const d = drain(8);
    for (let i = 0; i < 6 && db.spool.stats().count > 0; i++) {
      await d.pass();
      now += 60_000;
    }
    expect(db.spool.stats().count).toBe(0);
    expect(server.requests.map((r) => (r.body as { anomalies: unknown[] }).anomalies.length)).toEqual([
      8, 4, 2, 2, 2, 2,
    ]);
  });

  it('stops sending and keeps the items when the credential is revoked', async () => {
    db.spool.enqueue(SPOOL_KIND.anomaly, 'a:a1', item('a1'));
    server.handler = () => ({ status: 401, body: { error: { code: 'invalid_credential', message: 'revoked' } } });
    await drain().pass();
    expect(invalidated).toBe(1);
    expect(db.spool.stats().count).toBe(1);
  });
});

describe('backoff', () => {
  it('is full jitter under min(cap, base * 2^attempt) and at least Retry-After', () => {
    expect(backoffMs(0, 1000, 300_000, 0, () => 0.999)).toBe(999);
    expect(backoffMs(3, 1000, 300_000, 0, () => 0.5)).toBe(4000);
    expect(backoffMs(20, 1000, 300_000, 0, () => 0.5)).toBe(150_000);
    expect(backoffMs(0, 1000, 300_000, 5000, () => 0.1)).toBe(5000);
    expect(parseRetryAfter('12')).toBe(12_000);
    expect(parseRetryAfter(new Date(10_000).toUTCString(), 4000)).toBe(6000);
    expect(parseRetryAfter('soon')).toBeUndefined();
  });
});
