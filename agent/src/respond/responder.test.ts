import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Anomaly } from '../../../models/src/schema/index.ts';
import { MemoryAuditSink } from './audit.ts';
import { validatePolicyObject } from './policy.ts';
import { Responder } from './responder.ts';
import { anomaly } from './test-support.ts';
import type { Playbook, PlaybookName } from './types.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'vigil-resp-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A playbook whose host effects are a list: targets come from evidence.targets.name, "bad-*" names are refused. */
class ListPlaybook implements Playbook<{ target: string }> {
  readonly executed: string[] = [];
  live = new Set<string>();
  constructor(readonly name: PlaybookName = 'kill-process') {}
  appliesTo = (a: Anomaly) => typeof a.evidence.targets?.name === 'string';
  async plan(a: Anomaly) {
    const target = String(a.evidence.targets?.name);
    if (target.startsWith('bad'))
      return { ok: false as const, reason: 'refused by own checks', field: 'evidence.targets.name' };
    if (target === 'throw') throw new Error('boom');
    return { ok: true as const, plan: { target }, targetKey: target, summary: `act on ${target}`, facts: { target } };
  }
  async execute(p: { target: string }) {
    this.executed.push(p.target);
    this.live.add(p.target);
    return { ok: true, dryRun: false, detail: `did ${p.target}` };
  }
  async verify(p: { target: string }) {
    return { ok: this.live.has(p.target), detail: 'checked' };
  }
}

function setup(overrides: Record<string, unknown> = {}, mode = 'auto') {
  let now = 1_700_000_000_000;
  const killSwitchFile = path.join(dir, `off-${Math.random()}`);
  const policy = validatePolicyObject(
    {
      killSwitchFile,
      blastRadius: { maxActions: 100, windowSeconds: 60 },
      recommendationTtlSeconds: 60,
      playbooks: { 'kill-process': { mode, cooldownSeconds: 30, rate: { burst: 100, perHour: 100 } } },
      ...overrides,
    },
    'test',
  );
  const pb = new ListPlaybook();
  const audit = new MemoryAuditSink();
  const responder = new Responder({ policy, playbooks: [pb], audit, clock: () => now });
  return { pb, audit, responder, killSwitchFile, advance: (ms: number) => (now += ms) };
}

const on = (name: string) => anomaly({ targets: { name }, modelVersion: 'xgb-2025.03' });

describe('Responder', () => {
  it('auto: acts, verifies and audits what, why, evidence, model version, mode, result and times', async () => {
    const { pb, responder } = setup();
    const [entry] = await responder.handle(on('a'));
    expect(pb.executed).toEqual(['a']);
    expect(entry).toMatchObject({
      playbook: 'kill-process',
      mode: 'auto',
      decision: 'executed',
      result: 'success',
      why: 'act on a',
      target: 'a',
      modelVersion: 'xgb-2025.03',
      model: 'xgboost',
      anomalyType: 'crypto_miner',
      evidence: { targets: { name: 'a' }, topFeatures: ['cpu'] },
      exec: { ok: true },
      verify: { ok: true },
    });
    expect(entry.finishedAt).toBeGreaterThanOrEqual(entry.startedAt);
  });

  it('recommend: waits for a person, records who approved, and re-verifies before acting', async () => {
    const { pb, audit, responder } = setup({}, 'recommend');
    const [rec] = await responder.handle(on('a'));
    expect(rec).toMatchObject({ decision: 'recommended', result: 'none' });
    expect(pb.executed).toEqual([]);
    const done = await responder.approve(rec.recommendationId!, 'alice@example.com');
    expect(done).toMatchObject({
      decision: 'executed',
      result: 'success',
      approvedBy: 'alice@example.com',
      mode: 'recommend',
    });
    expect(pb.executed).toEqual(['a']);
    await expect(responder.approve(rec.recommendationId!, 'alice')).rejects.toThrow(/no pending recommendation/);
    await expect(responder.approve('x', 'eve\n[fake log line]')).rejects.toThrow(/printable/);
    const [rec2] = await responder.handle(on('b'));
    expect(responder.reject(rec2.recommendationId!, 'bob')).toMatchObject({ decision: 'rejected', approvedBy: 'bob' });
    expect(audit.entries.map((e) => e.decision)).toEqual(['recommended', 'executed', 'recommended', 'rejected']);
  });

  it('expires recommendations that nobody approved in time', async () => {
    const { pb, responder, advance } = setup({}, 'recommend');
    const [rec] = await responder.handle(on('a'));
    advance(61_000);
    expect(await responder.approve(rec.recommendationId!, 'alice')).toMatchObject({
      decision: 'expired',
      result: 'none',
    });
    await responder.handle(on('b'));
    advance(61_000);
    expect(responder.pending()).toEqual([]); // swept, and audited as expired
    expect(pb.executed).toEqual([]);
  });

  it('off: nothing is planned, done or recorded', async () => {
    const { pb, audit, responder } = setup({}, 'off');
    expect(await responder.handle(on('a'))).toEqual([]);
    expect(pb.executed).toEqual([]);
    expect(audit.entries).toEqual([]);
  });

  it('kill switch: the policy flag and the file each stop every action, checked on each action', async () => {
    const flagOff = setup({ actionsEnabled: false });
    expect((await flagOff.responder.handle(on('a')))[0]).toMatchObject({ decision: 'denied', why: /actionsEnabled/ });
    const { pb, responder, killSwitchFile } = setup();
    expect((await responder.handle(on('a')))[0].decision).toBe('executed');
    writeFileSync(killSwitchFile, '');
    expect((await responder.handle(on('b')))[0]).toMatchObject({ decision: 'denied', why: /disable|exists/ });
    rmSync(killSwitchFile);
    expect((await responder.handle(on('c')))[0].decision).toBe('executed');
    expect(pb.executed).toEqual(['a', 'c']);
    expect(flagOff.pb.executed).toEqual([]);
  });

  it('cooldown per target, rate limit per playbook, blast radius per host', async () => {
    const cd = setup();
    await cd.responder.handle(on('a'));
    expect((await cd.responder.handle(on('a')))[0]).toMatchObject({ decision: 'denied', why: /cooldown/ });
    cd.advance(31_000);
    expect((await cd.responder.handle(on('a')))[0].decision).toBe('executed');

    const rate = setup({ playbooks: { 'kill-process': { mode: 'auto', rate: { burst: 2, perHour: 60 } } } });
    for (const t of ['a', 'b']) await rate.responder.handle(on(t));
    expect((await rate.responder.handle(on('c')))[0]).toMatchObject({ decision: 'denied', why: /rate limit/ });
    rate.advance(60_000); // one token a minute
    expect((await rate.responder.handle(on('c')))[0].decision).toBe('executed');

    const blast = setup({ blastRadius: { maxActions: 2, windowSeconds: 600 } });
    for (const t of ['a', 'b']) await blast.responder.handle(on(t));
    expect((await blast.responder.handle(on('c')))[0]).toMatchObject({ decision: 'denied', why: /blast radius/ });
    blast.advance(601_000);
    expect((await blast.responder.handle(on('c')))[0].decision).toBe('executed');
    expect(blast.pb.executed).toEqual(['a', 'b', 'c']);
  });

  it('a failed verification is a failure; refusals, throws and invalid anomalies are audited and survived', async () => {
    const { pb, responder } = setup();
    pb.verify = async () => ({ ok: false, detail: 'respawned' });
    expect((await responder.handle(on('a')))[0]).toMatchObject({ decision: 'executed', result: 'failure' });
    expect((await responder.handle(on('bad-1')))[0]).toMatchObject({
      decision: 'refused',
      why: /evidence\.targets\.name/,
    });
    expect((await responder.handle(on('throw')))[0]).toMatchObject({
      decision: 'error',
      result: 'failure',
      why: /boom/,
    });
    const [invalid] = await responder.handle({ ...on('z'), score: 7 });
    expect(invalid).toMatchObject({ decision: 'refused', why: /score/ });
    expect((await responder.handle(on('d')))[0].decision).toBe('executed');
  });
});
