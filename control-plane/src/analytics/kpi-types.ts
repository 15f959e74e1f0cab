/**
 * The KPI report: what `GET /v1/kpis` returns and what `vigil report` renders. Every figure covers the half-open
 * window [from, to) in epoch ms; which timestamp places a row in the window is stated per figure. Lists are sorted
 * largest first (ties by key). Rates are fractions in [0, 1], null when their denominator is 0, never a made-up 0.
 */

export interface KpiWindow {
  from: number;
  to: number;
  /** Width of one time-series bucket; bucket i covers [from + i·bucketMs, from + (i+1)·bucketMs). */
  bucketMs: number;
}

export interface KeyCount {
  key: string;
  count: number;
}

/** A duration distribution in ms. p50/p90 are interpolated percentiles (percentile_cont); all null when n = 0. */
export interface DurationStats {
  n: number;
  p50Ms: number | null;
  p90Ms: number | null;
  meanMs: number | null;
}

/** Executions with a known result: rate = success / (success + failure), null when both are 0. */
export interface SuccessTally {
  success: number;
  failure: number;
  rate: number | null;
}

export interface IncidentCounts {
  total: number;
  open: number;
  acknowledged: number;
  resolved: number;
  falsePositive: number;
}

export interface IncidentTypeRow extends IncidentCounts {
  type: string;
}

export interface PrecisionCounts {
  /** Confirmed real (incident resolved, or label true_positive). */
  confirmed: number;
  falsePositive: number;
  /** confirmed / (confirmed + falsePositive); null when nobody gave feedback. */
  precision: number | null;
}

export interface PlaybookRow {
  playbook: string;
  /** Records of mode `recommend` that asked a person to decide. */
  recommended: number;
  /** Autonomous: mode auto, executed for real (no dry run), not approved by a person. */
  auto: SuccessTally;
  /** Executed because a person approved a recommendation (agent record with approvedBy, or SSM run outcome). */
  approved: SuccessTally;
}

export interface HostUptime {
  agentId: string;
  hostname: string;
  status: string;
  /** Part of the window after the agent first appeared (first heartbeat or enrollment, whichever is earlier). */
  observedMs: number;
  /** Part of observedMs covered by heartbeats: each heartbeat covers [at, min(next heartbeat, at + staleAfterMs)). */
  liveMs: number;
  /** liveMs / observedMs; null when the agent was not yet known in the window. */
  uptime: number | null;
}

export interface KpiReport {
  window: KpiWindow;
  /** Start of every series bucket (epoch ms), shared by all series below. */
  buckets: number[];
  anomalies: {
    /** Anomalies whose window start (`ts`, the first evidence) lies in [from, to). */
    total: number;
    byType: KeyCount[];
    bySource: KeyCount[];
    bySeverity: KeyCount[];
    /** Per type, one count per bucket (aligned with `buckets`); types absent from the window are left out. */
    seriesByType: Record<string, number[]>;
    /** Detection latency: agent/cloud detection time minus window start, per anomaly. */
    detectionLatency: DurationStats;
  };
  incidents: IncidentCounts & {
    /**
     * Incidents opened (`opened_at`) in [from, to), by current status. Type = the correlation rule that opened it
     * (distributed_brute_force, fleet_miner, unusual_region, account_spike) or, for single-model incidents, the
     * anomaly type of the incident's first member.
     */
    byType: IncidentTypeRow[];
    /** Incidents opened per bucket. */
    openedSeries: number[];
  };
  precision: {
    /** Incidents opened in the window and closed by a person: resolved = confirmed, false_positive = not. */
    incidents: PrecisionCounts & { byType: (PrecisionCounts & { type: string })[] };
    /** Feedback labels created in the window; benign and unsure are counted but excluded from precision. */
    labels: PrecisionCounts & { benign: number; unsure: number };
  };
  /** Mean time to detect: incident opened_at minus first_seen_at (earliest member window start); not false positives. */
  mttd: DurationStats;
  /** Mean time to resolve: closed_at minus opened_at, incidents resolved (not false_positive) in the window. */
  mttr: DurationStats;
  actions: {
    /** Action records started (`started_at`) in [from, to), all decisions and modes, dry runs included. */
    total: number;
    byDecision: KeyCount[];
    dryRuns: number;
    /** Every real execution (decision executed, not a dry run) with a success/failure result, plus SSM outcomes. */
    executed: SuccessTally;
    autonomous: SuccessTally & {
      /** Successful autonomous fixes: finished_at minus the linked anomaly's window start (first evidence). */
      timeToFix: DurationStats;
    };
    approved: SuccessTally;
    byPlaybook: PlaybookRow[];
  };
  uptime: {
    staleAfterMs: number;
    /** Mean of per-host uptime over hosts observed in the window; null when none. */
    fleetMean: number | null;
    /** Lowest uptime first. Revoked agents are included for the time before `to` they were known. */
    hosts: HostUptime[];
  };
  top: {
    /** Hosts by anomaly count in the window (anomaly `host`, absent for cloud-only anomalies). */
    hosts: KeyCount[];
    /** Users by anomaly count: anomalies whose entity is a user (entity.kind = 'user'). */
    users: KeyCount[];
  };
}

export interface KpiOptions {
  /** Heartbeat coverage; default 180 s, the server's staleHeartbeatSeconds default. */
  staleAfterMs?: number;
  /** Length of the top-hosts/users lists; default 10. */
  topN?: number;
}

/** Hard limits so one request cannot ask for a million buckets or a decade of heartbeats. */
export const KPI_LIMITS = { maxBuckets: 1000, maxWindowMs: 366 * 86_400_000, minBucketMs: 60_000 } as const;
