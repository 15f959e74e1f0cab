import type { FileStats, SamplingStats } from '../sources/source.ts';

/** What `vigil-agent status --json` prints: the daemon's own view, read over the status socket. */
export interface StatusReport {
  agent: { version: string; pid: number; startedAt: number; uptimeSeconds: number; host: string; config: string };
  health: { state: 'ok' | 'degraded' | 'failing'; reasons: string[] };
  sources: SourceStatus[];
  pipeline: {
    lines: number;
    events: number;
    parseErrors: number;
    skipped: number;
    linesPerSecond: number;
    queue: { batches: number; lines: number; oldestMs: number };
    unackedBatches: number;
    decisions: number;
    rowsScored: number;
    lastDecisionAt: number | null;
    clockClamped: number;
    recentRejected: { file: string; line: number; code: string; message: string }[];
  };
  anomalies: {
    total: number;
    lastHour: number;
    recent: { id: string; type: string; entity: string; score: number; severity: string; detectedAt: number }[];
  };
  actions: {
    total: number;
    byOutcome: Record<string, number>;
    recent: ActionSummary[];
    blocks: { ip: string; since: number; expiresAt: number; backend: string }[];
    pendingRecommendations: number;
    notes: string[];
  };
  model: {
    version: string | null;
    dir: string | null;
    threshold: number | null;
    models: { name: string; kind: string; role: string }[];
    lastError: string | null;
    updates: { enabled: boolean; lastCheckAt: number | null; lastResult: string | null };
  };
  controlPlane: {
    configured: boolean;
    url: string | null;
    state: string;
    agentId: string | null;
    lastHeartbeatAt: number | null;
    lastError: string | null;
  };
  spool: {
    count: number;
    bytes: number;
    maxItems: number;
    maxBytes: number;
    fullRejections: number;
    deadLettered: number;
  };
  shipper: {
    cloudwatch: {
      logGroup: string;
      logStream: string;
      sent: number;
      rejected: number;
      lastError: string | null;
    } | null;
  };
}

export interface SourceStatus {
  id: string;
  kind: string;
  running: boolean;
  paused: boolean;
  lagBytes: number;
  files: Pick<FileStats, 'path' | 'kind' | 'size' | 'readOffset' | 'ackedOffset' | 'lagBytes' | 'lines' | 'draining'>[];
  sampling?: SamplingStats;
  counters: Record<string, number>;
}

export interface ActionSummary {
  seq?: number;
  id: string;
  at: number;
  playbook: string;
  mode: string;
  decision: string;
  result: string;
  dryRun: boolean;
  target: string;
  why: string;
  anomalyId?: string;
  approvedBy?: string;
}
