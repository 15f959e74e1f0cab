/**
 * The report appendix: what every figure counts and excludes. Kept next to the renderers, worded for a reader who
 * never saw the code; the same rules are in analytics/kpi-types.ts doc comments.
 */
export interface Definition {
  term: string;
  definition: string;
}

export function definitions(o: { staleAfterMs: number; humanResponseMs: number; outageTypes: string[] }): Definition[] {
  const staleS = Math.round(o.staleAfterMs / 1000);
  return [
    {
      term: 'Window',
      definition:
        'Every figure covers the half-open interval [from, to) in UTC. Each record is placed by one timestamp, named below.',
    },
    {
      term: 'Anomaly',
      definition:
        'A scored window a detector flagged (agent or cloud). Counted by the start of its window, the time of the first evidence. Top hosts use the anomaly host; top users count anomalies whose entity is a user account.',
    },
    {
      term: 'Incident',
      definition:
        'Correlated anomalies about the same entity, IP, principal or miner. Counted by the time the control plane opened it. Its type is the fleet rule that opened it (distributed brute force, fleet miner, unusual region, account spike) or, for a single-detector incident, the anomaly type of its first member. Status is the current one.',
    },
    {
      term: 'Alert precision',
      definition:
        'Of incidents opened in the window that a person closed: resolved (confirmed real) ÷ (resolved + false positive). Open and acknowledged incidents are excluded. Shown as — when nobody gave feedback. Label precision counts per-anomaly labels the same way; benign and unsure labels are excluded.',
    },
    {
      term: 'MTTD (time to detect)',
      definition:
        'Per incident: opened − first evidence (earliest member window start). False positives are excluded. Anomaly windows are 5 minutes by default, so about 5 minutes is the floor; p50 is the median, p90 the 90th percentile.',
    },
    {
      term: 'MTTR (time to resolve)',
      definition:
        'Per incident resolved in the window: closed − opened, i.e. until a person marked it resolved. False positives are excluded. The store records no acknowledgement time, so time to acknowledge is not reported.',
    },
    {
      term: 'Autonomous action',
      definition:
        'An action the agent took on its own (policy mode auto, no approval). Success rate = successes ÷ (successes + failures) of real executions; dry runs, refusals and recommendations are excluded. Approved actions (a person approved a recommendation, run by the agent or through SSM) are counted separately.',
    },
    {
      term: 'Time to fix',
      definition: 'For a successful autonomous action: playbook finished − first evidence of the anomaly it answered.',
    },
    {
      term: 'Uptime',
      definition: `Fraction of the window in which a host's agent was heartbeating: each heartbeat counts as alive until the next one or ${staleS} s later, whichever is first. A host counts from when it joined the fleet. Fleet uptime is the mean over hosts. This is agent liveness, a proxy for host availability, not a service SLO.`,
    },
    {
      term: 'Downtime avoided (estimate)',
      definition: `For each successful autonomous fix of an outage-type anomaly (${o.outageTypes.join(', ')}): assumed human response time (${Math.round(o.humanResponseMs / 60_000)} min from first evidence) − actual time to fix, never below zero. Assumes the harm would have lasted until a person acted, and that a person would have fixed it at once on responding; both make the figure an estimate, not a measurement.`,
    },
    {
      term: 'Downtime avoided (measured)',
      definition:
        'When present: the same replayed traffic run twice, with response off and with auto response, and the downtime each run produced, as measured by the method stated with it.',
    },
  ];
}
