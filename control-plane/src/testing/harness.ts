/** Test harness: a control plane on a fresh database with a controllable clock, an admin token and helpers. */
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import type { Anomaly } from '../../../models/src/schema/index.ts';
import type { TestBackend, TestDb } from '../../../test/support/pg.ts';
import { type AppDeps, buildApp } from '../app.ts';
import type { Role } from '../auth/tokens.ts';
import { testConfig } from '../config/load.ts';
import type { Config } from '../config/schema.ts';
import { createOperatorToken } from '../store/operators.ts';

export const T0 = Date.parse('2025-03-01T00:00:00Z');

export interface Harness {
  app: FastifyInstance;
  t: TestDb;
  config: Config;
  now(): number;
  advance(ms: number): void;
  token(role: Role): Promise<string>;
  enroll(instanceId?: string, hostname?: string): Promise<{ agentId: string; credential: string; status: number }>;
  call(opts: InjectOptions & { token?: string }): Promise<LightMyRequestResponse>;
  close(): Promise<void>;
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

export const inventory = (instanceId = 'i-0abc123', hostname = 'web-1') => ({
  instanceId,
  hostname,
  instanceType: 't3.micro',
  region: 'us-east-1',
  az: 'us-east-1a',
  agentVersion: '0.1.0',
  modelVersion: '2025.03.01',
});

export function anomaly(id: string, over: Partial<Anomaly> = {}): Anomaly {
  return {
    id,
    type: 'ssh_brute_force',
    entity: { kind: 'ip', id: '203.0.113.7' },
    source: 'ec2.auth',
    window: { start: T0, end: T0 + 300_000 },
    score: 0.97,
    threshold: 0.8,
    model: 'xgboost',
    modelVersion: '2025.03.01',
    severity: 'high',
    evidence: {
      topFeatures: [{ name: 'auth.failed_count', value: 214, contribution: 0.6 }],
      lines: ['Mar  1 00:01:02 web-1 sshd[811]: Failed password for root from 203.0.113.7 port 50122 ssh2'],
      targets: { ip: '203.0.113.7' },
    },
    detectedAt: T0 + 301_000,
    ...over,
  };
}

export async function harness(
  backend: TestBackend,
  values: Partial<Config> = {},
  deps: Omit<Partial<AppDeps>, 'db'> = {},
): Promise<Harness> {
  const t = await backend.open();
  let now = T0;
  const config = testConfig({
    logLevel: 'silent',
    ...values,
    rateLimit: { ...testConfig().rateLimit, authFailuresPerMinute: 10_000, ...values.rateLimit },
  });
  const app = await buildApp(config, { startJobs: false, closeDb: false, clock: () => now, ...deps, db: t.db });
  await app.ready();
  const tokens = new Map<Role, string>();
  const h: Harness = {
    app,
    t,
    config,
    now: () => now,
    advance: (ms) => {
      now += ms;
    },
    async token(role) {
      if (!tokens.has(role)) {
        const created = await createOperatorToken(t.db, { name: `test-${role}`, role, createdBy: 'test', now });
        tokens.set(role, created.token);
      }
      return tokens.get(role)!;
    },
    call({ token, ...opts }) {
      return app.inject({ ...opts, headers: { ...opts.headers, ...(token ? bearer(token) : {}) } });
    },
    async enroll(instanceId = 'i-0abc123', hostname = 'web-1') {
      const admin = await h.token('admin');
      const created = await h.call({ method: 'POST', url: '/v1/enrollment-tokens', token: admin, payload: {} });
      const res = await h.call({
        method: 'POST',
        url: '/v1/agents/enroll',
        payload: { token: created.json().token, inventory: inventory(instanceId, hostname) },
      });
      const body = res.json();
      return { agentId: body.agentId, credential: body.credential, status: res.statusCode };
    },
    async close() {
      await app.close();
      await t.cleanup();
    },
  };
  return h;
}
