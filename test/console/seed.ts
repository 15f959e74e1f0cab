/**
 * A control plane on 127.0.0.1 with every area the console uses, a real clock, and a small seeded fleet: three
 * hosts, a distributed brute force seen by all three (one incident), a disk-fill anomaly, a pending block-ip
 * recommendation, a model bundle with a canary rollout. Everything goes through the public API, as agents and
 * operators would send it.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { actionsPlugin } from '../../control-plane/src/actions/plugin.ts';
import { analyticsPlugin } from '../../control-plane/src/analytics/plugin.ts';
import { buildApp } from '../../control-plane/src/app.ts';
import { testConfig } from '../../control-plane/src/config/load.ts';
import { consolePlugin } from '../../control-plane/src/console/plugin.ts';
import { incidentsPlugin } from '../../control-plane/src/detect/incidents-plugin.ts';
import { registryPlugin } from '../../control-plane/src/registry/plugin.ts';
import { bundleFiles, tarGz } from '../../control-plane/src/registry/test-bundle.ts';
import { createOperatorToken } from '../../control-plane/src/store/operators.ts';
import type { Anomaly } from '../../models/src/schema/index.ts';
import { dbBackends, type TestDb } from '../support/pg.ts';

export interface Seeded {
  app: FastifyInstance;
  url: string;
  tokens: { admin: string; operator: string; viewer: string };
  agents: Record<string, { agentId: string; credential: string }>;
  /** Action seq of the pending block-ip recommendation (what approve/reject take). */
  recommendationSeq: string;
  recommendationId: string;
  close(): Promise<void>;
}

const MIN = 60_000;
const ATTACKER = '203.0.113.7';

function anomaly(id: string, host: string, start: number, over: Partial<Anomaly> = {}): Anomaly {
  return {
    id,
    type: 'ssh_brute_force',
    entity: { kind: 'ip', id: ATTACKER },
    source: 'ec2.auth',
    window: { start, end: start + 5 * MIN },
    score: 0.97,
    threshold: 0.18,
    model: 'xgboost',
    modelVersion: '1.0.0',
    severity: 'high',
    evidence: {
      topFeatures: [
        { name: 'ssh_fail', value: 214, contribution: 0.61 },
        { name: 'distinct_src_ips', value: 1, contribution: 0.12 },
      ],
      lines: [
        `Mar  1 00:01:02 ${host} sshd[811]: Failed password for root from ${ATTACKER} port 50122 ssh2`,
        `Mar  1 00:01:03 ${host} sshd[811]: Failed password for invalid user <script>alert(1)</script> from ${ATTACKER} port 50124 ssh2`,
      ],
      targets: { ip: ATTACKER },
    },
    host,
    detectedAt: start + 5 * MIN + 1000,
    ...over,
  };
}

export async function startSeeded(): Promise<Seeded> {
  const [backend] = await dbBackends();
  const t: TestDb = await backend.open();
  const dataDir = await mkdtemp(path.join(tmpdir(), 'vigil-console-'));
  const config = testConfig({ logLevel: 'silent', dataDir });
  const app = await buildApp(config, {
    db: t.db,
    closeDb: false,
    startJobs: false,
    plugins: [
      incidentsPlugin(),
      registryPlugin({ keyDir: path.join(dataDir, 'keys') }, { startJobs: false }),
      actionsPlugin({}, { startJobs: false }),
      analyticsPlugin(),
      consolePlugin({ stream: { keepAliveMs: 2000 } }),
    ],
  });
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  const now = Date.now();
  const mk = async (role: 'admin' | 'operator' | 'viewer') =>
    (await createOperatorToken(t.db, { name: `e2e-${role}`, role, createdBy: 'e2e', now })).token;
  const tokens = { admin: await mk('admin'), operator: await mk('operator'), viewer: await mk('viewer') };
  const call = async (method: string, route: string, token: string, body?: unknown, type = 'application/json') => {
    const res = await fetch(url + route, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': type } : {}) },
      body: body === undefined ? undefined : body instanceof Buffer ? new Uint8Array(body) : JSON.stringify(body),
    });
    const text = await res.text();
    if (res.status >= 300) throw new Error(`${method} ${route} -> ${res.status} ${text}`);
    return text ? JSON.parse(text) : null;
  };

  const agents: Seeded['agents'] = {};
  const hosts = [
    ['i-0e2e000000000001', 'web-1', 'us-east-1'],
    ['i-0e2e000000000002', 'web-2', 'us-east-1'],
    ['i-0e2e000000000003', 'db-1', 'eu-west-1'],
  ] as const;
  for (const [instanceId, hostname, region] of hosts) {
    const { token } = await call('POST', '/v1/enrollment-tokens', tokens.admin, {});
    const inventory = {
      instanceId,
      hostname,
      instanceType: 't3.small',
      region,
      az: `${region}a`,
      agentVersion: '0.1.0',
      modelVersion: '1.0.0',
    };
    const res = await fetch(`${url}/v1/agents/enroll`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token, inventory }),
    });
    const enrolled = (await res.json()) as { agentId: string; credential: string };
    agents[hostname] = { agentId: enrolled.agentId, credential: enrolled.credential };
    if (hostname !== 'db-1') {
      await call('POST', '/v1/agents/heartbeat', enrolled.credential, {
        inventory,
        counters: { lines: 1000, anomalies: 1, actions: 0, spoolDepth: 0 },
      });
    }
  }
  const start = now - 40 * MIN;
  for (const [i, host] of ['web-1', 'web-2', 'db-1'].entries()) {
    const batch = [anomaly(`bf-${host}`, host, start + i * MIN)];
    if (host === 'web-1') {
      batch.push(
        anomaly('disk-web-1', host, start - 90 * MIN, {
          type: 'disk_fill',
          entity: { kind: 'host', id: 'web-1' },
          source: 'ec2.process',
          severity: 'medium',
          score: 0.71,
          evidence: {
            topFeatures: [{ name: 'disk_growth_bps', value: 5e7, contribution: 0.4 }],
            lines: ['disk / at 97%'],
          },
        }),
      );
    }
    await call('POST', '/v1/agents/anomalies', agents[host].credential, { anomalies: batch });
  }
  const recommendationId = 'rec-block-1';
  await call('POST', '/v1/agents/actions', agents['web-1'].credential, {
    actions: [
      {
        id: recommendationId,
        playbook: 'block-ip',
        mode: 'recommend',
        decision: 'recommended',
        result: 'none',
        dryRun: false,
        why: `ssh_brute_force from ${ATTACKER} scored 0.97 >= 0.18`,
        anomalyId: 'bf-web-1',
        anomalyType: 'ssh_brute_force',
        severity: 'high',
        score: 0.97,
        target: ATTACKER,
        plan: { ip: ATTACKER, ttlSeconds: 3600 },
        startedAt: start + 6 * MIN,
        finishedAt: start + 6 * MIN + 20,
      },
    ],
  });
  const { items } = await call('GET', '/v1/actions/recommendations?status=pending', tokens.viewer);
  await call('POST', '/v1/bundles', tokens.admin, tarGz(bundleFiles('1.0.0')), 'application/gzip');
  await call('POST', '/v1/bundles', tokens.admin, tarGz(bundleFiles('1.1.0')), 'application/gzip');
  await call('POST', '/v1/rollouts', tokens.operator, { bundleVersion: '1.0.0', channel: 'stable', percent: 100 });
  await call('POST', '/v1/rollouts', tokens.operator, { bundleVersion: '1.1.0', channel: 'stable', percent: 10 });
  await app.vigil.events.drain(); // correlation runs in an event handler
  return {
    app,
    url,
    tokens,
    agents,
    recommendationSeq: items[0].id,
    recommendationId,
    async close() {
      await app.close();
      await t.cleanup();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
