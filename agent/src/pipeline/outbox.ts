import type { Anomaly } from '../../../models/src/schema/index.ts';
import type { AuditEntry, AuditSink } from '../respond/index.ts';
import type { SourceBatch } from '../sources/source.ts';
import type { AuditRecord, StateDb } from '../state/index.ts';
import { SpoolFullError } from '../state/index.ts';

/** Spool kinds: the drain routes each to its destination. */
export const SPOOL_KIND = {
  anomaly: 'cp.anomaly',
  action: 'cp.action',
  cwAnomaly: 'cw.anomaly',
  cwAudit: 'cw.audit',
} as const;

export interface OutboxTargets {
  controlPlane: boolean;
  cloudwatchAnomalies: boolean;
  cloudwatchAudit: boolean;
}

export interface OutboxEvents {
  spoolFull(err: SpoolFullError): void;
  audited?(entry: AuditEntry, record: AuditRecord): void;
}

/**
 * Where decisions become durable. Anomalies are spooled for each destination in the same transaction that acks the
 * batches they came from; responder decisions go to the hash-chained audit log first (fsynced), then to the spool.
 */
export class Outbox implements AuditSink {
  constructor(
    private readonly db: StateDb,
    private readonly targets: OutboxTargets,
    private readonly events: OutboxEvents,
  ) {}

  /** Spools anomalies and acks batches atomically; throws SpoolFullError (nothing acked) when the spool is full. */
  commit(anomalies: Anomaly[], batches: SourceBatch[]): void {
    try {
      this.db.transaction(() => {
        for (const a of anomalies) {
          if (this.targets.controlPlane) this.db.spool.enqueue(SPOOL_KIND.anomaly, `a:${a.id}`, a);
          if (this.targets.cloudwatchAnomalies) this.db.spool.enqueue(SPOOL_KIND.cwAnomaly, `cwa:${a.id}`, a);
        }
        for (const b of batches) b.ack();
      });
    } catch (err) {
      if (err instanceof SpoolFullError) this.events.spoolFull(err);
      throw err;
    }
  }

  /** AuditSink for the responder: never throws for content; a full spool is reported, the audit row stays. */
  record(entry: AuditEntry): void {
    const rec = this.db.audit.append(toAuditRow(entry));
    this.events.audited?.(entry, rec);
    try {
      this.db.transaction(() => {
        if (this.targets.controlPlane) this.db.spool.enqueue(SPOOL_KIND.action, `x:${entry.id}`, entry);
        if (this.targets.cloudwatchAudit)
          this.db.spool.enqueue(SPOOL_KIND.cwAudit, `cwx:${entry.id}`, { seq: rec.seq, hash: rec.hash, ...entry });
      });
    } catch (err) {
      if (err instanceof SpoolFullError) this.events.spoolFull(err);
      else throw err;
    }
  }
}

/** The responder's entry as a row of the state audit log; the whole entry is kept as its detail. */
export function toAuditRow(e: AuditEntry) {
  return {
    ts: e.finishedAt,
    actor: e.approvedBy ? `operator:${e.approvedBy}` : `policy:${e.playbook}`,
    action: `${e.playbook}.${e.decision}`,
    target: e.target ?? '',
    outcome: `${e.result}${e.dryRun ? ' (dry-run)' : ''}`,
    detail: e as unknown as Record<string, unknown>,
  };
}
