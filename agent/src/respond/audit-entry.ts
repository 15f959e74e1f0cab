import type { Anomaly } from '../../../models/src/schema/index.ts';
import type { AuditEntry, AuditResult, Decision } from './audit.ts';
import type { ExecResult, Facts, Mode, VerifyResult } from './types.ts';

const MAX_LINES = 3;
const MAX_LINE = 512;

/** The parts of an audit entry that come from the anomaly: kept as data, bounded in size. */
export function fromAnomaly(anomaly: Anomaly): Partial<AuditEntry> {
  return {
    anomalyId: anomaly.id,
    anomalyType: anomaly.type,
    severity: anomaly.severity,
    score: anomaly.score,
    model: anomaly.model,
    modelVersion: anomaly.modelVersion,
    evidence: {
      targets: anomaly.evidence.targets,
      topFeatures: anomaly.evidence.topFeatures.slice(0, 8).map((f) => f.name),
      lines: anomaly.evidence.lines.slice(0, MAX_LINES).map((l) => l.slice(0, MAX_LINE)),
    },
  };
}

export interface EntryParts {
  id: string;
  playbook: string;
  mode: Mode;
  decision: Decision;
  why: string;
  startedAt: number;
  finishedAt: number;
  anomaly?: Anomaly;
  target?: string;
  plan?: Facts;
  exec?: ExecResult;
  verify?: VerifyResult;
  recommendationId?: string;
  approvedBy?: string;
}

export function buildEntry(p: EntryParts): AuditEntry {
  const result: AuditResult =
    p.decision === 'error'
      ? 'failure'
      : p.exec && !p.exec.dryRun
        ? p.exec.ok && p.verify?.ok
          ? 'success'
          : 'failure'
        : 'none';
  const entry: AuditEntry = {
    id: p.id,
    playbook: p.playbook,
    mode: p.mode,
    decision: p.decision,
    result,
    dryRun: p.exec?.dryRun ?? false,
    why: p.why,
    ...(p.anomaly ? fromAnomaly(p.anomaly) : {}),
    target: p.target,
    plan: p.plan,
    exec: p.exec && { ok: p.exec.ok, detail: p.exec.detail, facts: p.exec.facts },
    verify: p.verify && { ok: p.verify.ok, detail: p.verify.detail, facts: p.verify.facts },
    recommendationId: p.recommendationId,
    approvedBy: p.approvedBy,
    startedAt: p.startedAt,
    finishedAt: p.finishedAt,
  };
  for (const key of Object.keys(entry) as (keyof AuditEntry)[]) if (entry[key] === undefined) delete entry[key];
  return entry;
}
