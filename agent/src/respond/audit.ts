import type { Facts, Mode } from './types.ts';

/** How the responder dealt with one (anomaly, playbook) pair. */
export type Decision =
  | 'executed' // ran for real (or on a dry-run backend: see dryRun)
  | 'recommended' // recommend mode: waiting for a person to approve
  | 'rejected' // a person turned a recommendation down
  | 'refused' // the playbook's own checks refused the target (protected, mismatch, not matching criteria)
  | 'denied' // a guard said no (kill switch, rate, cooldown, blast radius)
  | 'expired' // a recommendation was approved too late
  | 'error'; // the playbook threw

export type AuditResult = 'success' | 'failure' | 'none';

/** One line of the agent's action audit log: what, why, on what evidence, who approved it and what happened. */
export interface AuditEntry {
  id: string;
  playbook: string;
  mode: Mode;
  decision: Decision;
  result: AuditResult;
  dryRun: boolean;
  /** Why the action was taken or not (plan summary, refusal or guard reason). */
  why: string;
  anomalyId?: string;
  anomalyType?: string;
  severity?: string;
  score?: number;
  model?: string;
  modelVersion?: string;
  /** The verified target (pid:startTicks, ip, mount). */
  target?: string;
  /** The detector's claims (evidence.targets), top features and a few sample lines, kept as data. */
  evidence?: { targets?: Record<string, string | number>; topFeatures: string[]; lines: string[] };
  plan?: Facts;
  exec?: { ok: boolean; detail: string; facts?: Facts };
  verify?: { ok: boolean; detail: string; facts?: Facts };
  /** For recommend mode: the recommendation an approval refers to, and who approved or rejected it. */
  recommendationId?: string;
  approvedBy?: string;
  startedAt: number;
  finishedAt: number;
}

/** Where audit entries go. The agent's node:sqlite store implements it; record must not throw for bad content. */
export interface AuditSink {
  record(entry: AuditEntry): void;
}

/** In-memory sink for tests and for the CLI's dry runs. */
export class MemoryAuditSink implements AuditSink {
  readonly entries: AuditEntry[] = [];
  record(entry: AuditEntry): void {
    this.entries.push(structuredClone(entry));
  }
}
