import { Registry } from './registry.ts';

const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** Every metric the control plane exports, created once per app (so two apps in one test process never collide). */
export function createAppMetrics(registry = new Registry()) {
  const startedAt = Date.now() / 1000;
  const m = {
    registry,
    httpRequests: registry.counter('vigil_http_requests_total', 'HTTP requests by route template and status', [
      'method',
      'route',
      'status',
    ]),
    httpDuration: registry.histogram(
      'vigil_http_request_duration_seconds',
      'HTTP request latency by route template',
      ['method', 'route'],
      LATENCY_BUCKETS,
    ),
    inFlight: registry.gauge('vigil_http_requests_in_flight', 'HTTP requests being served'),
    ingested: registry.counter('vigil_ingested_items_total', 'agent batch items by kind and result', [
      'kind',
      'result',
    ]),
    heartbeats: registry.counter('vigil_heartbeats_total', 'agent heartbeats received'),
    authFailures: registry.counter('vigil_auth_failures_total', 'rejected credentials by reason', ['reason']),
    alertsRaised: registry.counter('vigil_alerts_raised_total', 'alerts raised by kind', ['kind']),
    retentionDeleted: registry.counter('vigil_retention_deleted_rows_total', 'rows removed by retention', ['table']),
    jobRuns: registry.counter('vigil_job_runs_total', 'periodic job runs by result', ['job', 'result']),
    jobDuration: registry.histogram('vigil_job_duration_seconds', 'periodic job duration', ['job'], LATENCY_BUCKETS),
    auditFailures: registry.counter('vigil_audit_write_failures_total', 'audit records that could not be written'),
    agents: registry.gauge('vigil_agents', 'enrolled agents by status', ['status']),
    startTime: registry.gauge('vigil_process_start_time_seconds', 'process start time (epoch seconds)'),
    memory: registry.gauge('vigil_process_resident_memory_bytes', 'resident set size'),
  };
  m.startTime.set({}, startedAt);
  m.memory.collect = () => m.memory.set({}, process.memoryUsage.rss());
  return m;
}

export type AppMetrics = ReturnType<typeof createAppMetrics>;
