import { rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadAgentConfig } from '../../agent/src/config/load.ts';
import { Daemon } from '../../agent/src/daemon.ts';
import { silentLogger } from '../../agent/src/metrics/log.ts';
import { type Harness, harness } from '../../control-plane/src/testing/harness.ts';
import { dbBackends } from '../support/pg.ts';
import { runWriter, type Sandbox, sandbox, waitFor } from './support/agent-process.ts';
import { testBundle } from './support/test-bundle.ts';

/*
 * The agent's uplink against the real control plane (Fastify + PGlite, listening on 127.0.0.1): enrollment with a
 * one-time token, heartbeats, and the anomalies and action records the pipeline produced, accepted by the server's
 * strict schemas (unknown fields are refused there, so this pins the wire contract of docs/api.md).
 */
const [backend] = await dbBackends();

describe('agent -> control plane', () => {
  let h: Harness;
  let url: string;
  let sb: Sandbox;
  let daemon: Daemon | undefined;

  beforeAll(async () => {
    h = await harness(backend);
    await h.app.listen({ port: 0, host: '127.0.0.1' });
    url = `http://127.0.0.1:${(h.app.server.address() as AddressInfo).port}`;
  }, 60_000);
  afterAll(async () => {
    await daemon?.stop();
    await h.close();
    if (sb) rmSync(sb.root, { recursive: true, force: true });
  });

  it('enrolls, heartbeats, and delivers the anomaly and the block record it caused', async () => {
    const admin = await h.token('admin');
    const created = await h.call({ method: 'POST', url: '/v1/enrollment-tokens', token: admin, payload: {} });
    expect(created.statusCode).toBe(201);
    sb = sandbox(await testBundle(), {
      controlPlane: {
        url,
        enrollmentToken: created.json().token,
        bundlePollSeconds: 0,
        pendingPollSeconds: 0,
        drainIntervalMs: 100,
      },
    });
    daemon = await Daemon.start(loadAgentConfig(sb.configFile), { log: silentLogger() });
    expect(daemon.statusReport().controlPlane).toMatchObject({
      state: 'connected',
      agentId: expect.stringMatching(/^agt_/),
    });
    await runWriter({ file: sb.authLog, lines: 200, perSecond: 500, ip: '45.155.205.7' });
    const viewer = await h.token('viewer');
    const anomalies = await waitFor('anomalies on the control plane', async () => {
      const res = await h.call({ method: 'GET', url: '/v1/anomalies', token: viewer });
      const items = res.json().items as { anomaly: { entity: { id: string }; type: string } }[];
      return items.some((i) => i.anomaly.entity.id === '45.155.205.7') && items;
    });
    expect(anomalies.find((i) => i.anomaly.entity.id === '45.155.205.7')?.anomaly.type).toBe('ssh_brute_force');
    await waitFor('the action record', async () => {
      const rows = await h.t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM actions');
      return rows.rows[0].n > 0;
    });
    await waitFor('the spool drained', async () => daemon!.statusReport().spool.count === 0);
    const agents = await h.call({ method: 'GET', url: '/v1/agents', token: viewer });
    expect(agents.json().items[0]).toMatchObject({ hostname: 'web-1', instanceId: 'i-0e2e000000000001' });
    expect(daemon.statusReport().controlPlane.lastHeartbeatAt).not.toBeNull();
  });
});
