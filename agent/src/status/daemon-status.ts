import { AGENT_VERSION, type HostIdentity } from '../config/host.ts';
import type { AgentConfig } from '../config/load.ts';
import type { ModelSlot } from '../pipeline/model-slot.ts';
import type { Pipeline } from '../pipeline/pipeline.ts';
import type { Recent } from '../pipeline/respond-queue.ts';
import type { BlockLedger, PlaybookSet, Responder } from '../respond/index.ts';
import type { Source } from '../sources/source.ts';
import type { StateDb } from '../state/index.ts';
import type { Outbound } from '../uplink/outbound.ts';
import type { ActionLog } from './action-log.ts';
import { buildStatus } from './collect.ts';
import type { StatusReport } from './report.ts';

/** The daemon's parts the status report reads. */
export interface DaemonView {
  cfg: AgentConfig;
  host: HostIdentity;
  startedAt: number;
  sources: Source[];
  pipeline: Pipeline;
  slot: ModelSlot;
  db: StateDb;
  outbound: Outbound | undefined;
  actions: ActionLog;
  ledger: BlockLedger;
  responder: Responder | undefined;
  playbooks: PlaybookSet | undefined;
  recentAnomalies: Recent<StatusReport['anomalies']['recent'][number]>;
  recentRejected: Recent<StatusReport['pipeline']['recentRejected'][number]>;
}

export function daemonStatus(v: DaemonView): StatusReport {
  const cur = v.slot.current;
  const cp = v.cfg.controlPlane;
  const up = v.outbound?.uplink;
  const cw = v.outbound?.shipper;
  const cwCfg = v.cfg.shipper.cloudwatch;
  return buildStatus({
    agent: {
      version: AGENT_VERSION,
      pid: process.pid,
      startedAt: v.startedAt,
      uptimeSeconds: Math.round((Date.now() - v.startedAt) / 1000),
      host: v.host.hostname,
      config: v.cfg.file,
    },
    sources: v.sources.map((s) => s.stats()),
    pipeline: v.pipeline.stats(),
    recentRejected: v.recentRejected.list(),
    recentAnomalies: v.recentAnomalies.list(),
    actions: {
      total: v.actions.total,
      byOutcome: { ...v.actions.byOutcome },
      recent: v.actions.recent(),
      blocks: v.ledger.active(),
      pending: v.responder?.pending().length ?? 0,
      notes: v.playbooks?.notes ?? [],
    },
    model: {
      version: cur?.version ?? null,
      dir: cur?.dir ?? null,
      threshold: cur?.threshold ?? null,
      models: cur?.roles.map((r) => ({ name: r.name, kind: r.kind, role: r.role })) ?? [],
      lastError: v.slot.lastError ?? null,
      updates: {
        enabled: !!up?.updater,
        lastCheckAt: up?.updater?.lastCheckAt ?? null,
        lastResult: up?.updater?.lastResult ?? null,
      },
    },
    controlPlane: {
      configured: !!cp,
      url: cp?.url ?? null,
      state: up?.session.state ?? 'disabled',
      agentId: up?.session.agentId ?? null,
      lastHeartbeatAt: up?.session.lastHeartbeatAt ?? null,
      lastError: up?.session.lastError ?? null,
    },
    spool: { ...v.db.spool.stats(), deadLettered: v.outbound?.drain?.deadLettered ?? 0 },
    shipper: {
      cloudwatch:
        cw && cwCfg
          ? {
              logGroup: cwCfg.logGroup,
              logStream: cwCfg.logStream ?? v.host.hostname,
              sent: cw.sent,
              rejected: cw.rejected,
              lastError: cw.lastError,
            }
          : null,
    },
    health: up?.session.state === 'needs-enrollment' ? ['control plane: needs enrollment'] : [],
  });
}
