import { randomUUID } from 'node:crypto';
import { type Anomaly, AnomalySchema, compileValidator } from '../../../models/src/schema/index.ts';
import type { AuditEntry, AuditSink } from './audit.ts';
import { buildEntry, type EntryParts } from './audit-entry.ts';
import type { BlockIpPlaybook } from './block/block-ip.ts';
import { parseIp } from './block/ip.ts';
import { Guards } from './guards.ts';
import type { Policy } from './policy.ts';
import { show } from './targets.ts';
import type { AnyPlaybook, ExecResult, Mode, PlanResult, VerifyResult } from './types.ts';

export interface ResponderOptions {
  policy: Policy;
  playbooks: readonly AnyPlaybook[];
  audit: AuditSink;
  guards?: Guards;
  clock?: () => number;
  newId?: () => string;
}

export interface Recommendation {
  id: string;
  playbook: string;
  anomaly: Anomaly;
  targetKey: string;
  summary: string;
  createdAt: number;
  expiresAt: number;
}

const MAX_PENDING = 1000;
const validateAnomaly = compileValidator(AnomalySchema);

/**
 * Routes each anomaly to the playbooks that apply, under policy: `off` does nothing, `recommend` verifies the target
 * and waits for a person, `auto` acts. Every action passes the guards (kill switch, cooldown, blast radius, rate) at
 * the moment it runs, is verified afterwards, and every decision, including refusals, is audited.
 */
export class Responder {
  private readonly guards: Guards;
  private readonly clock: () => number;
  private readonly newId: () => string;
  private readonly recommendations = new Map<string, Recommendation>();

  constructor(private readonly opts: ResponderOptions) {
    this.clock = opts.clock ?? Date.now;
    this.guards = opts.guards ?? new Guards(opts.policy, this.clock);
    this.newId = opts.newId ?? randomUUID;
  }

  /** Handles one anomaly; returns the audit entries it wrote (one per playbook that applied). */
  async handle(input: unknown): Promise<AuditEntry[]> {
    const startedAt = this.clock();
    let anomaly: Anomaly;
    try {
      anomaly = validateAnomaly(input, 'anomaly');
    } catch (err) {
      return [
        this.record({
          playbook: 'responder',
          mode: 'off',
          decision: 'refused',
          why: (err as Error).message,
          startedAt,
        }),
      ];
    }
    this.expireRecommendations();
    const out: AuditEntry[] = [];
    for (const pb of this.opts.playbooks) {
      const mode = this.mode(pb);
      if (mode === 'off' || !pb.appliesTo(anomaly)) continue;
      out.push(await this.route(pb, mode, anomaly));
    }
    return out;
  }

  /** A person approves a recommendation: the target is verified again and the action runs under the guards. */
  async approve(id: string, approver: string): Promise<AuditEntry> {
    checkApprover(approver);
    const rec = this.recommendations.get(id);
    if (!rec) throw new Error(`no pending recommendation ${JSON.stringify(id.slice(0, 64))}`);
    this.recommendations.delete(id); // before any await: a second approval of the same id finds nothing
    const pb = this.opts.playbooks.find((p) => p.name === rec.playbook)!;
    const base = {
      playbook: pb.name,
      mode: 'recommend' as Mode,
      anomaly: rec.anomaly,
      recommendationId: id,
      approvedBy: approver,
      startedAt: this.clock(),
    };
    if (rec.expiresAt <= this.clock())
      return this.record({ ...base, decision: 'expired', why: 'recommendation expired before approval' });
    if (this.mode(pb) === 'off')
      return this.record({ ...base, decision: 'denied', why: `${pb.name} is off in policy` });
    const planned = await this.safePlan(pb, rec.anomaly);
    if (!planned.ok) return this.record({ ...base, decision: 'refused', why: planned.reason });
    if (planned.targetKey !== rec.targetKey) {
      return this.record({
        ...base,
        decision: 'refused',
        why: `target changed since recommendation: ${rec.targetKey} -> ${planned.targetKey}`,
      });
    }
    return this.act(pb, planned, base);
  }

  reject(id: string, approver: string): AuditEntry {
    checkApprover(approver);
    const rec = this.recommendations.get(id);
    if (!rec) throw new Error(`no pending recommendation ${JSON.stringify(id.slice(0, 64))}`);
    this.recommendations.delete(id);
    return this.record({
      playbook: rec.playbook,
      mode: 'recommend',
      anomaly: rec.anomaly,
      decision: 'rejected',
      why: `rejected by ${approver}`,
      recommendationId: id,
      approvedBy: approver,
      target: rec.targetKey,
      startedAt: this.clock(),
    });
  }

  /** For the CLI: lifts a block now, audited with who asked. */
  async unblock(ip: string, actor: string): Promise<AuditEntry> {
    checkApprover(actor);
    const pb = this.opts.playbooks.find((p) => p.name === 'block-ip') as BlockIpPlaybook | undefined;
    const startedAt = this.clock();
    if (!pb)
      return this.record({ playbook: 'block-ip', mode: 'off', decision: 'refused', why: 'block-ip is off', startedAt });
    const r = await pb.unblock(ip);
    const exec = { ok: r.ok, dryRun: pb.backend.kind === 'dry-run', detail: r.detail };
    const verify = { ok: r.ok, detail: r.detail };
    return this.record({
      playbook: 'block-ip',
      mode: this.mode(pb),
      decision: 'executed',
      why: `unblock requested by ${actor}`,
      target: parsedOrShown(ip),
      exec,
      verify,
      approvedBy: actor,
      startedAt,
    });
  }

  pending(): Recommendation[] {
    this.expireRecommendations();
    return [...this.recommendations.values()];
  }

  private async route(pb: AnyPlaybook, mode: Mode, anomaly: Anomaly): Promise<AuditEntry> {
    const base = { playbook: pb.name, mode, anomaly, startedAt: this.clock() };
    const planned = await this.safePlan(pb, anomaly);
    if (!planned.ok) {
      return this.record({ ...base, decision: planned.error ? 'error' : 'refused', why: planned.reason });
    }
    if (mode === 'recommend') return this.recommend(pb, anomaly, planned, base);
    return this.act(pb, planned, base);
  }

  private recommend(
    pb: AnyPlaybook,
    anomaly: Anomaly,
    planned: Planned,
    base: Omit<EntryParts, 'id' | 'decision' | 'why' | 'finishedAt'>,
  ) {
    const now = this.clock();
    const rec: Recommendation = {
      id: this.newId(),
      playbook: pb.name,
      anomaly,
      targetKey: planned.targetKey,
      summary: planned.summary,
      createdAt: now,
      expiresAt: now + this.opts.policy.recommendationTtlSeconds * 1000,
    };
    if (this.recommendations.size >= MAX_PENDING)
      this.recommendations.delete(this.recommendations.keys().next().value!);
    this.recommendations.set(rec.id, rec);
    return this.record({
      ...base,
      decision: 'recommended',
      why: planned.summary,
      target: planned.targetKey,
      plan: planned.facts,
      recommendationId: rec.id,
    });
  }

  /** Guards, then execute, then verify; the guards are consumed synchronously right before execute. */
  private async act(
    pb: AnyPlaybook,
    planned: Planned,
    base: Omit<EntryParts, 'id' | 'decision' | 'why' | 'finishedAt'>,
  ) {
    const parts = { ...base, target: planned.targetKey, plan: planned.facts };
    const admission = this.guards.admit(pb.name, planned.targetKey);
    if (!admission.ok) return this.record({ ...parts, decision: 'denied', why: admission.reason });
    let exec: ExecResult;
    let verify: VerifyResult | undefined;
    try {
      exec = await pb.execute(planned.plan);
      if (exec.ok && !exec.dryRun) verify = await pb.verify(planned.plan);
    } catch (err) {
      return this.record({ ...parts, decision: 'error', why: `${planned.summary}: ${(err as Error).message}` });
    }
    return this.record({ ...parts, decision: 'executed', why: planned.summary, exec, verify });
  }

  private async safePlan(
    pb: AnyPlaybook,
    anomaly: Anomaly,
  ): Promise<Planned | { ok: false; reason: string; error?: boolean }> {
    try {
      const r: PlanResult<unknown> = await pb.plan(anomaly);
      if (!r.ok)
        return { ok: false, reason: r.field && !r.reason.includes(r.field) ? `${r.field}: ${r.reason}` : r.reason };
      return r;
    } catch (err) {
      return { ok: false, reason: `plan failed: ${(err as Error).message}`, error: true };
    }
  }

  private record(p: Omit<EntryParts, 'id' | 'finishedAt'>): AuditEntry {
    const entry = buildEntry({ ...p, id: this.newId(), finishedAt: this.clock() });
    try {
      this.opts.audit.record(entry);
    } catch (err) {
      // The action already happened: losing its audit line must be loud, but must not undo or repeat the action.
      process.emitWarning(`vigil responder: audit sink failed for ${entry.id}: ${(err as Error).message}`);
    }
    return entry;
  }

  private mode(pb: AnyPlaybook): Mode {
    return this.opts.policy.playbooks[pb.name].mode;
  }

  private expireRecommendations(): void {
    const now = this.clock();
    for (const [id, rec] of this.recommendations) {
      if (rec.expiresAt > now) continue;
      this.recommendations.delete(id);
      this.record({
        playbook: rec.playbook,
        mode: 'recommend',
        anomaly: rec.anomaly,
        decision: 'expired',
        why: 'recommendation expired unapproved',
        recommendationId: id,
        target: rec.targetKey,
        startedAt: now,
      });
    }
  }
}

type Planned = Extract<PlanResult<unknown>, { ok: true }>;

function parsedOrShown(ip: string): string {
  const parsed = parseIp(ip);
  return parsed.ok ? parsed.ip.text : show(ip);
}

function checkApprover(approver: string): void {
  if (typeof approver !== 'string' || !/^[^\u0000-\u001f\u007f]{1,128}$/.test(approver)) {
    throw new Error('approver must be 1-128 printable characters');
  }
}
