import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type AuditEntry,
  createPlaybooks,
  MemoryAuditSink,
  Responder,
  validatePolicyObject,
} from '../respond/index.ts';
import { anomaly } from '../respond/test-support.ts';
import { StateDb } from '../state/index.ts';
import { ApprovalPoller } from './approvals.ts';
import { FakeServer } from './fake-server.ts';
import { ControlPlaneHttp } from './http.ts';
import { UplinkSession } from './session.ts';

const TOKEN = `vgl_en_${'t'.repeat(43)}`;
const CRED = `vgl_ag_${'c'.repeat(43)}`;
let dir: string;
let db: StateDb;
let server: FakeServer;

beforeEach(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'vigil-sess-'));
  db = StateDb.open(path.join(dir, 'agent.db'));
  server = await new FakeServer().start();
});
afterEach(async () => {
  await server.stop();
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

function session(token: string | undefined = TOKEN): UplinkSession {
  return new UplinkSession({
    http: new ControlPlaneHttp(server.url, 5000, 'test'),
    kv: db.kv,
    credentialFile: path.join(dir, 'cred/credential'),
    enrollmentToken: token,
    inventory: () => ({ instanceId: 'i-1', hostname: 'web-1', agentVersion: '0.1.0' }),
    counters: () => ({ lines: 5, anomalies: 1, actions: 0, spoolDepth: 2 }),
    backoff: { baseMs: 1000, capMs: 5000 },
    log: () => {},
  });
}

describe('control-plane session', () => {
  it('enrolls once, stores the credential 0600 before use, then heartbeats with it', async () => {
    server.handler = (r) =>
      r.url === '/v1/agents/enroll'
        ? {
            status: 201,
            body: { agentId: 'agt_1', credentialId: 'crd_1', credential: CRED, heartbeatIntervalSeconds: 30 },
          }
        : { status: 200, body: { serverTime: 1, heartbeatIntervalSeconds: 30, staleAfterSeconds: 180 } };
    const s = session();
    await s.start();
    s.stop();
    expect(s.state).toBe('stopped');
    expect(s.agentId).toBe('agt_1');
    const file = path.join(dir, 'cred/credential');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(file, 'utf8')).credential).toBe(CRED);
    expect(server.requests.map((r) => r.url)).toEqual(['/v1/agents/enroll', '/v1/agents/heartbeat']);
    expect(server.requests[0].body).toEqual({
      token: TOKEN,
      inventory: { instanceId: 'i-1', hostname: 'web-1', agentVersion: '0.1.0' },
    });
    expect(server.requests[0].headers.authorization).toBeUndefined();
    expect(server.requests[1].headers.authorization).toBe(`Bearer ${CRED}`);
    expect(server.requests[1].body).toMatchObject({ counters: { lines: 5, anomalies: 1, actions: 0, spoolDepth: 2 } });
    // A restart reuses the stored credential and never spends the token again.
    const again = session();
    await again.start();
    again.stop();
    expect(server.requests.filter((r) => r.url === '/v1/agents/enroll')).toHaveLength(1);
  });

  it('does not retry a refused one-time token, and stops sending when the credential is revoked', async () => {
    server.handler = () => ({ status: 401, body: { error: { code: 'invalid_enrollment_token', message: 'used' } } });
    const s = session();
    await s.start();
    expect(s.state).toBe('needs-enrollment');
    expect(s.credential).toBeUndefined();
    await (s as unknown as { tick(): Promise<void> }).tick();
    s.stop();
    expect(server.requests).toHaveLength(1);
    expect(s.lastError).toMatch(/enrollment refused/);
  });

  it('marks the agent for re-enrollment when a heartbeat is refused as invalid_credential', async () => {
    server.handler = (r) =>
      r.url === '/v1/agents/enroll'
        ? { status: 201, body: { agentId: 'agt_1', credentialId: 'crd_1', credential: CRED } }
        : { status: 401, body: { error: { code: 'invalid_credential', message: 'revoked' } } };
    const s = session();
    await s.start();
    expect(s.state).toBe('needs-enrollment');
    expect(s.credential).toBeUndefined();
    expect(s.lastError).toMatch(/needs re-enrollment/);
    s.stop();
  });
});

describe('approved actions', () => {
  it('runs an approval of our own recommendation once, re-planning the target, and refuses unknown ones', async () => {
    const policy = validatePolicyObject(
      { playbooks: { 'block-ip': { mode: 'recommend', backend: 'dry-run' } } },
      'policy',
    );
    const audit = new MemoryAuditSink();
    const responder = new Responder({ policy, playbooks: (await createPlaybooks(policy)).playbooks, audit });
    const [rec] = await responder.handle(
      anomaly({ type: 'ssh_brute_force', entity: { kind: 'ip', id: '45.155.205.7' }, targets: { ip: '45.155.205.7' } }),
    );
    expect(rec.decision).toBe('recommended');
    const recorded: AuditEntry[] = [];
    const items = [
      {
        approvalId: 'apr_1',
        recommendationId: rec.recommendationId,
        playbook: 'block-ip',
        approvedBy: 'alice',
        expiresAt: Date.now() + 60_000,
      },
      {
        approvalId: 'apr_2',
        recommendationId: 'unknown-rec',
        playbook: 'block-ip',
        approvedBy: 'bob',
        expiresAt: Date.now() + 60_000,
      },
    ];
    server.handler = () => ({ status: 200, body: { items, nextPollSeconds: 15 } });
    const poller = new ApprovalPoller({
      http: new ControlPlaneHttp(server.url, 5000, 'test'),
      credential: () => CRED,
      responder,
      record: (e) => recorded.push(e),
      kv: db.kv,
      log: () => {},
    });
    expect(await poller.poll()).toBe(15);
    expect(await poller.poll()).toBe(15); // listed again: nothing runs twice
    const executed = audit.entries.filter((e) => e.decision === 'executed');
    expect(executed).toEqual([
      expect.objectContaining({
        playbook: 'block-ip',
        recommendationId: rec.recommendationId,
        approvedBy: 'alice',
        target: '45.155.205.7',
        dryRun: true,
      }),
    ]);
    expect(recorded).toEqual([
      expect.objectContaining({ decision: 'refused', recommendationId: 'unknown-rec', approvedBy: 'bob' }),
    ]);
  });
});
