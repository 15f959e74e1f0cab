/** Response shapes the console reads (see control-plane/src/console and docs/api.md). */
export interface PageOf<T> {
  items: T[];
  nextCursor: string | null;
}

export interface FleetHost {
  id: string;
  hostname: string;
  instanceId: string;
  status: string;
  health: 'live' | 'stale' | 'never' | 'revoked';
  lastHeartbeatAt: number | null;
  agentVersion: string | null;
  modelVersion: string | null;
  region: string | null;
  az: string | null;
  instanceType: string | null;
  channel: string;
  anomalies24h: number;
}

export interface FleetSummary {
  matching: number;
  byStatus: Record<string, number>;
  regions: { region: string; hosts: number }[];
}

export interface Incident {
  id: string;
  title: string;
  kind: string;
  status: 'open' | 'acknowledged' | 'resolved' | 'false_positive';
  severity: string;
  openedAt: number;
  updatedAt: number;
  closedAt: number | null;
  firstSeenAt: number | null;
  lastSeenAt: number | null;
  anomalyCount: number;
  updatedBy: string | null;
}

export interface MemberAnomaly {
  seq: number;
  id: string;
  type: string;
  entity: { kind: string; id: string };
  source: string;
  window: { start: number; end: number };
  score: number;
  threshold: number;
  model: string;
  severity: string;
  host: string | null;
  evidence: { lines?: string[]; topFeatures?: { name: string; value: number; contribution: number }[] };
}

export interface Outcome {
  stage: string;
  ok: boolean;
  detail: string;
}

export interface ActionRecord {
  id: string;
  host: string | null;
  playbook: string;
  mode: string;
  decision: string;
  result: string;
  dryRun: boolean;
  why: string;
  target: string | null;
  anomalyId: string | null;
  anomalyType?: string | null;
  startedAt: number;
  finishedAt: number;
  approvedBy: string | null;
  approval?: string | null;
  decidedBy?: string | null;
  reason?: string | null;
  outcomes: Outcome[];
}

export interface IncidentContext {
  models: { model: string; anomalies: number; maxScore: number }[];
  features: { name: string; anomalies: number; meanContribution: number; maxValue: number }[];
  actions: ActionRecord[];
  related: {
    anomalies: {
      seq: number;
      id: string;
      type: string;
      source: string;
      entity: { kind: string; id: string };
      host: string | null;
      start: number;
      score: number;
      severity: string;
      incidentId: string | null;
    }[];
    incidents: { id: string; title: string; status: string; severity: string; lastSeenAt: number | null }[];
  };
}

export interface Approval {
  id: string;
  host: string | null;
  playbook: string;
  target: string | null;
  why: string;
  anomalyId: string | null;
  anomalyType: string | null;
  severity: string | null;
  receivedAt: number;
  status: 'pending' | 'approved' | 'rejected';
  decidedBy: string | null;
  decidedAt: number | null;
  reason: string | null;
  via: string | null;
  expiresAt: number | null;
  execution: { id: string | null; decision: string; result: string; at: number | null; detail: string } | null;
}

export interface Bundle {
  id: string;
  version: string;
  featureSchemaHash: string;
  archiveSha256: string;
  archiveSize: number;
  keyId: string | null;
  createdAt: number;
  createdBy: string;
}

export interface Rollout {
  id: string;
  bundleVersion: string;
  channel: string;
  percent: number;
  status: 'active' | 'paused' | 'completed' | 'rolled_back';
  startedAt: number;
  updatedAt: number;
  createdBy: string;
  haltReason: string | null;
}
