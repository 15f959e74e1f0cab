import type { PipelineStats } from '../pipeline/pipeline.ts';
import type { AuditEntry, BlockRecord } from '../respond/index.ts';
import type { SourceStats } from '../sources/source.ts';
import type { SpoolStats } from '../state/index.ts';
import type { ActionSummary, SourceStatus, StatusReport } from './report.ts';

/** Everything the status report is read from; the daemon fills it in. */
export interface StatusParts {
  agent: StatusReport['agent'];
  sources: SourceStats[];
  pipeline: PipelineStats;
  recentRejected: StatusReport['pipeline']['recentRejected'];
  recentAnomalies: StatusReport['anomalies']['recent'];
  actions: {
    total: number;
    byOutcome: Record<string, number>;
    recent: ActionSummary[];
    blocks: BlockRecord[];
    pending: number;
    notes: string[];
  };
  model: StatusReport['model'];
  controlPlane: StatusReport['controlPlane'];
  spool: SpoolStats & { deadLettered: number };
  shipper: StatusReport['shipper'];
  health: string[];
}

export function actionSummary(e: AuditEntry, seq?: number): ActionSummary {
  return {
    ...(seq !== undefined ? { seq } : {}),
    id: e.id,
    at: e.finishedAt,
    playbook: e.playbook,
    mode: e.mode,
    decision: e.decision,
    result: e.result,
    dryRun: e.dryRun,
    target: e.target ?? '',
    why: e.why,
    ...(e.anomalyId ? { anomalyId: e.anomalyId } : {}),
    ...(e.approvedBy ? { approvedBy: e.approvedBy } : {}),
  };
}

function source(s: SourceStats): SourceStatus {
  return {
    id: s.id,
    kind: s.kind,
    running: s.running,
    paused: s.paused,
    lagBytes: s.counters.lagBytes ?? 0,
    files: (s.files ?? []).map((f) => ({
      path: f.path,
      kind: f.kind,
      size: f.size,
      readOffset: f.readOffset,
      ackedOffset: f.ackedOffset,
      lagBytes: f.lagBytes,
      lines: f.lines,
      draining: f.draining,
    })),
    ...(s.sampling ? { sampling: s.sampling } : {}),
    counters: s.counters,
  };
}

/** Health: failing when nothing can be decided, degraded when something needs an operator's eye. */
export function buildStatus(p: StatusParts): StatusReport {
  const reasons = [...p.health];
  if (p.pipeline.commitFailing) reasons.push(`decisions not committed: ${p.pipeline.commitFailing}`);
  if (p.spool.fullRejections > 0 && p.spool.count >= p.spool.maxItems * 0.99) reasons.push('spool full');
  if (p.sources.some((s) => s.paused)) reasons.push('tailer paused by backpressure');
  if (p.model.lastError) reasons.push(`model update problem: ${p.model.lastError}`);
  const failing = p.model.version === null || p.sources.every((s) => !s.running);
  return {
    agent: p.agent,
    health: { state: failing ? 'failing' : reasons.length > 0 ? 'degraded' : 'ok', reasons },
    sources: p.sources.map(source),
    pipeline: {
      lines: p.pipeline.lines,
      events: p.pipeline.events,
      parseErrors: p.pipeline.parseErrors,
      skipped: p.pipeline.skipped,
      linesPerSecond: p.pipeline.linesPerSecond,
      queue: p.pipeline.queue,
      unackedBatches: p.pipeline.held.batches + p.pipeline.queue.batches,
      decisions: p.pipeline.decisions,
      rowsScored: p.pipeline.rowsScored,
      lastDecisionAt: p.pipeline.lastDecisionAt,
      clockClamped: p.pipeline.clockClamped,
      recentRejected: p.recentRejected,
    },
    anomalies: { total: p.pipeline.anomalies, lastHour: p.pipeline.anomaliesLastHour, recent: p.recentAnomalies },
    actions: {
      total: p.actions.total,
      byOutcome: p.actions.byOutcome,
      recent: p.actions.recent,
      blocks: p.actions.blocks.map((b) => ({ ip: b.ip, since: b.since, expiresAt: b.expiresAt, backend: b.backend })),
      pendingRecommendations: p.actions.pending,
      notes: p.actions.notes,
    },
    model: p.model,
    controlPlane: p.controlPlane,
    spool: {
      count: p.spool.count,
      bytes: p.spool.bytes,
      maxItems: p.spool.maxItems,
      maxBytes: p.spool.maxBytes,
      fullRejections: p.spool.fullRejections,
      deadLettered: p.spool.deadLettered,
    },
    shipper: p.shipper,
  };
}
