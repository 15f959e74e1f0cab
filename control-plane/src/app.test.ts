import net from 'node:net';
import { Type } from '@sinclair/typebox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dbBackends } from '../../test/support/pg.ts';
import { buildApp } from './app.ts';
import { testConfig } from './config/load.ts';
import type { Db, Queryable } from './db/db.ts';
import { enrollAgent } from './store/agents.ts';
import { createEnrollmentToken } from './store/enrollment.ts';
import { type Harness, harness, inventory } from './testing/harness.ts';

const backends = await dbBackends();
const pglite = backends[0];

describe('service surface', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await harness(pglite, { rateLimit: { anonymousPerMinute: 3 } as never });
  });
  afterAll(() => h.close());

  it('serves liveness and readiness', async () => {
    expect((await h.call({ url: '/healthz' })).json()).toEqual({ status: 'ok' });
    expect((await h.call({ url: '/readyz' })).json()).toEqual({
      status: 'ready',
      checks: { database: 'ok', migrations: 'ok' },
    });
  });

  it('exposes Prometheus metrics in the text format', async () => {
    await h.call({ url: '/healthz' });
    const res = await h.call({ url: '/metrics' });
    expect(res.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
    const text = res.body;
    expect(text).toMatch(/^# HELP vigil_http_requests_total /m);
    expect(text).toMatch(/^# TYPE vigil_http_request_duration_seconds histogram$/m);
    expect(text).toMatch(/^vigil_http_requests_total\{method="GET",route="\/healthz",status="200"\} \d+$/m);
    expect(text).toMatch(
      /^vigil_http_request_duration_seconds_bucket\{method="GET",route="\/healthz",le="\+Inf"\} \d+$/m,
    );
    expect(text).toMatch(/^vigil_agents\{status="active"\} 0$/m);
    // Every sample line is `name{labels} value`; every metric has HELP and TYPE.
    for (const line of text.trim().split('\n')) {
      if (line.startsWith('#')) expect(line).toMatch(/^# (HELP|TYPE) [a-zA-Z_:][a-zA-Z0-9_:]* .+$/);
      else expect(line).toMatch(/^[a-zA-Z_:][a-zA-Z0-9_:]*(\{[^}]*\})? -?[0-9.e+-]+|\+Inf|NaN$/);
    }
  });

  it('publishes a valid OpenAPI 3.1 document with every route', async () => {
    const doc = (await h.call({ url: '/docs/json' })).json();
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.info).toMatchObject({ title: 'Vigil control plane', version: '1.0.0' });
    const expected: [string, string][] = [
      ['post', '/v1/agents/enroll'],
      ['post', '/v1/agents/rotate'],
      ['post', '/v1/agents/heartbeat'],
      ['post', '/v1/agents/anomalies'],
      ['post', '/v1/agents/actions'],
      ['post', '/v1/enrollment-tokens'],
      ['get', '/v1/enrollment-tokens'],
      ['get', '/v1/agents'],
      ['post', '/v1/agents/{id}/revoke'],
      ['get', '/v1/anomalies'],
      ['get', '/v1/alerts'],
      ['get', '/v1/audit'],
      ['post', '/v1/tokens'],
      ['get', '/v1/tokens'],
      ['post', '/v1/tokens/{id}/revoke'],
      ['get', '/healthz'],
      ['get', '/readyz'],
      ['get', '/metrics'],
    ];
    for (const [method, path] of expected) expect(doc.paths[path]?.[method], `${method} ${path}`).toBeDefined();
    for (const [path, ops] of Object.entries<
      Record<string, { responses: Record<string, unknown>; security?: unknown }>
    >(doc.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        expect(Object.keys(op.responses ?? {}).length, `${method} ${path} responses`).toBeGreaterThan(0);
        for (const code of Object.keys(op.responses)) expect(code).toMatch(/^([1-5]\d\d|default)$/);
      }
    }
    expect(doc.paths['/v1/agents/heartbeat'].post.security).toEqual([{ agentCredential: [] }]);
    expect(doc.paths['/v1/agents'].get.security).toEqual([{ operatorToken: [] }]);
    expect(doc.paths['/healthz'].get.security).toEqual([]);
    expect(doc.components.securitySchemes).toHaveProperty('agentCredential');
    // Every $ref points at something that exists in the document.
    const refs = JSON.stringify(doc).match(/"\$ref":"[^"]+"/g) ?? [];
    expect(refs.length).toBeGreaterThan(0);
    for (const ref of new Set(refs)) {
      const pointer = ref.slice(8, -1);
      expect(pointer.startsWith('#/')).toBe(true);
      const target = pointer
        .slice(2)
        .split('/')
        .reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], doc);
      expect(target, pointer).toBeDefined();
    }
    const body = doc.paths['/v1/agents/anomalies'].post.requestBody.content['application/json'].schema;
    expect(body.properties.anomalies.items.required).toContain('evidence');
    expect((await h.call({ url: '/docs' })).statusCode).toBe(200);
  });

  it('sends security headers, a request id, and the error shape for unknown routes', async () => {
    const res = await h.call({ url: '/nope' });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual({ error: { code: 'not_found', message: 'no route GET /nope' } });
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['content-security-policy']).toContain("default-src 'self'");
    expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    const denied = await h.call({ url: '/v1/agents' });
    expect(denied.statusCode).toBe(401);
    expect(denied.headers['x-content-type-options']).toBe('nosniff');
    const badJson = await h.call({
      method: 'POST',
      url: '/v1/agents/enroll',
      headers: { 'content-type': 'application/json' },
      payload: '{"token":',
    });
    expect(badJson.statusCode).toBe(400);
    expect(badJson.json().error.code).toBe('invalid_json');
  });

  it('rate limits anonymous callers per IP with 429 + Retry-After, never health checks', async () => {
    const codes: number[] = [];
    let last: Awaited<ReturnType<Harness['call']>> | undefined;
    for (let i = 0; i < 5; i++) {
      last = await h.call({
        method: 'POST',
        url: '/v1/agents/enroll',
        remoteAddress: '192.0.2.44', // a fresh address: earlier tests used this one's quota
        payload: { token: 'x'.repeat(50), inventory: inventory() },
      });
      codes.push(last.statusCode);
    }
    expect(codes.slice(0, 3)).toEqual([401, 401, 401]);
    expect(codes.slice(3)).toEqual([429, 429]);
    expect(last!.json().error.code).toBe('rate_limited');
    expect(Number(last!.headers['retry-after'])).toBeGreaterThan(0);
    for (let i = 0; i < 5; i++)
      expect((await h.call({ url: '/healthz', remoteAddress: '192.0.2.44' })).statusCode).toBe(200);
  });

  it('refuses to register a route that does not declare its access level', async () => {
    const t = await pglite.open({ migrate: false });
    const plugin = async (app: import('fastify').FastifyInstance) => {
      app.get('/v1/oops', { schema: { response: { 200: Type.Object({}) } } }, async () => ({}));
    };
    const built = buildApp(testConfig({ logLevel: 'silent' }), {
      db: t.db,
      closeDb: false,
      startJobs: false,
      plugins: [plugin],
    });
    await expect(built).rejects.toThrow('route GET /v1/oops must declare config.auth');
    await t.cleanup();
  });
});

describe('readiness and shutdown', () => {
  it('is not ready before migrations are applied', async () => {
    const t = await pglite.open({ migrate: false });
    const app = await buildApp(testConfig({ logLevel: 'silent' }), { db: t.db, closeDb: false, startJobs: false });
    const res = await app.inject({ url: '/readyz' });
    expect(res.statusCode).toBe(503);
    expect(res.json().checks.migrations).toMatch(/^at 0, need \d+$/);
    await app.close();
    await t.cleanup();
  });

  it('finishes an in-flight request, refuses new connections, then closes the database', async () => {
    const t = await pglite.open();
    const token = await createEnrollmentToken(t.db, { createdBy: 'test', ttlMs: 60_000, now: Date.now() });
    const { credential } = await enrollAgent(t.db, token.token, inventory('i-shutdown'), Date.now());
    const g = gated(t.db, 'INSERT INTO heartbeats');
    const app = await buildApp(testConfig({ logLevel: 'silent' }), { db: g.db, startJobs: false });
    const address = await app.listen({ port: 0, host: '127.0.0.1' });
    // A keep-alive connection whose request is held at the gate while close() starts.
    const heartbeat = JSON.stringify({
      inventory: inventory('i-shutdown'),
      counters: { lines: 1, anomalies: 0, actions: 0, spoolDepth: 0 },
    });
    const port = Number(new URL(address).port);
    const socket = net.connect(port, '127.0.0.1');
    let raw = '';
    socket.on('data', (d) => (raw += d));
    const ended = new Promise<void>((r) => socket.on('close', () => r()));
    socket.write(
      `POST /v1/agents/heartbeat HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${credential}\r\n` +
        `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(heartbeat)}\r\n\r\n${heartbeat}`,
    );
    await g.reached;
    const started = Date.now();
    const closing = app.close().then(() => g.order.push('app closed'));
    await new Promise((r) => setTimeout(r, 50));
    expect(g.order).toEqual([]); // close() is waiting for the in-flight request
    // New connections are refused; a request arriving on the busy connection is not served.
    await expect(fetch(`${address}/healthz`)).rejects.toThrow();
    socket.write('GET /v1/agents HTTP/1.1\r\nHost: x\r\n\r\n');
    await new Promise((r) => setTimeout(r, 50));
    g.release();
    await closing;
    await ended;
    expect(Date.now() - started).toBeLessThan(5000); // no wait for the keep-alive timeout
    const statuses = [...raw.matchAll(/^HTTP\/1\.1 (\d{3})/gm)].map((m) => Number(m[1]));
    expect(statuses[0]).toBe(200);
    expect(statuses.slice(1).every((s) => s === 503)).toBe(true);
    expect(raw).toMatch(/^connection: close/im);
    expect(g.order).toEqual(['statement done', 'db closed', 'app closed']);
    await t.cleanup();
  });
});

/** Wraps a Db so the first statement containing `marker` waits until release(); close() is only recorded. */
function gated(db: Db, marker: string) {
  const order: string[] = [];
  let release!: () => void;
  let arrived!: () => void;
  const open = new Promise<void>((r) => (release = r));
  const reached = new Promise<void>((r) => (arrived = r));
  const wrap = (q: Queryable): Queryable => ({
    exec: (sql) => q.exec(sql),
    query: async <R>(sql: string, params?: readonly unknown[]) => {
      if (!sql.includes(marker)) return q.query<R>(sql, params);
      arrived();
      await open;
      const out = await q.query<R>(sql, params);
      order.push('statement done');
      return out;
    },
  });
  const wrapped: Db = {
    kind: db.kind,
    ...wrap(db),
    transaction: (fn) => db.transaction((tx) => fn(wrap(tx))),
    close: async () => {
      order.push('db closed');
    },
  };
  return { db: wrapped, order, reached, release };
}
