import { type Counter, type Histogram, Registry } from './registry.ts';

const LATENCY_BOUNDS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

/** Every series the agent exports. Gauges are attached by the daemon, which knows where to read them. */
export class AgentMetrics {
  readonly registry = new Registry();
  readonly lines: Counter;
  readonly events: Counter;
  readonly parseErrors: Counter;
  readonly skipped: Counter;
  readonly sourceIssues: Counter;
  readonly clockClamped: Counter;
  readonly rowsScored: Counter;
  readonly scoring: Histogram;
  readonly decisionLag: Histogram;
  readonly anomalies: Counter;
  readonly actions: Counter;
  readonly spoolFull: Counter;
  readonly uplinkRequests: Counter;
  readonly deadLettered: Counter;
  readonly bundleSwaps: Counter;
  readonly cloudwatchEvents: Counter;
  readonly responderBacklogFull: Counter;

  constructor() {
    const r = this.registry;
    this.lines = r.counter('vigil_agent_lines_total', 'Lines read from tailed files and samples taken', ['source']);
    this.events = r.counter('vigil_agent_events_total', 'Events parsed and fed to the feature engine');
    this.parseErrors = r.counter('vigil_agent_parse_errors_total', 'Lines the parsers rejected, by reason', ['code']);
    this.skipped = r.counter('vigil_agent_lines_skipped_total', 'Blank and header lines (no event by design)');
    this.sourceIssues = r.counter(
      'vigil_agent_source_issues_total',
      'Tailer/sampler issues (cut lines, rotation loss...)',
      ['code'],
    );
    this.clockClamped = r.counter(
      'vigil_agent_clock_clamped_total',
      'Events stamped too far in the future, clamped to now',
    );
    this.rowsScored = r.counter('vigil_agent_rows_scored_total', 'Feature rows scored', ['window']);
    this.scoring = r.histogram('vigil_agent_scoring_seconds', 'Time of one micro-batched scoring call', LATENCY_BOUNDS);
    this.decisionLag = r.histogram(
      'vigil_agent_decision_lag_seconds',
      'From a batch entering the pipeline to the decision covering it',
      LATENCY_BOUNDS,
    );
    this.anomalies = r.counter('vigil_agent_anomalies_total', 'Anomalies raised', ['type', 'severity']);
    this.actions = r.counter('vigil_agent_actions_total', 'Responder decisions by outcome', [
      'playbook',
      'decision',
      'result',
    ]);
    this.spoolFull = r.counter(
      'vigil_agent_spool_full_total',
      'Items refused because the spool was full (nothing acked)',
    );
    this.uplinkRequests = r.counter('vigil_agent_uplink_requests_total', 'Control-plane requests', ['route', 'status']);
    this.deadLettered = r.counter(
      'vigil_agent_dead_lettered_total',
      'Spool items the control plane refused as invalid',
    );
    this.bundleSwaps = r.counter('vigil_agent_bundle_swaps_total', 'Model bundle loads', ['result']);
    this.cloudwatchEvents = r.counter('vigil_agent_cloudwatch_events_total', 'Events shipped to CloudWatch Logs', [
      'result',
    ]);
    this.responderBacklogFull = r.counter(
      'vigil_agent_responder_backlog_full_total',
      'Anomalies not handed to the responder because its backlog was full (they are still spooled)',
    );
  }
}
