import type { VigilContext } from '../context.ts';
import type { AlertRecord } from '../events.ts';
import type { AlertDispatcher } from './dispatcher.ts';
import { INCIDENT_ALERT_KIND, subscribeIncidentAlerts } from './incident-alerts.ts';
import { type Notice, SEVERITIES, severityAtLeast } from './message.ts';

export interface SourceOptions {
  /** Alerts (alert.raised) at or above this severity are sent. */
  minAlertSeverity: Notice['severity'];
  /** Ingested anomalies at or above this severity are sent. */
  minAnomalySeverity: Notice['severity'];
  /** Incidents opened or escalated at or above this severity raise an `incident` alert. */
  minIncidentSeverity: Notice['severity'];
}

export function alertNotice(a: AlertRecord): Notice {
  // An escalation must not be folded into the group of the lower-severity alert it replaces.
  const key =
    a.kind === INCIDENT_ALERT_KIND ? `alert:${a.kind}:${a.subject}:${a.severity}` : `alert:${a.kind}:${a.subject}`;
  return {
    key,
    dedupId: `alert:${a.id}`,
    severity: a.severity,
    // a headline is built by the raiser from neutralised parts (incident-alerts.ts); the kind and subject are ours
    title: typeof a.details.headline === 'string' ? a.details.headline : `${a.kind} ${a.subject}`,
    text: a.message,
    at: a.raisedAt,
  };
}

interface AnomalyRow {
  anomaly_id: string;
  type: string;
  entity_kind: string;
  entity_id: string;
  host: string | null;
  severity: Notice['severity'];
  score: number;
  ts: number;
}

export function anomalyNotice(agentId: string, r: AnomalyRow): Notice {
  return {
    key: `anomaly:${r.type}:${r.entity_kind}:${r.entity_id}`,
    dedupId: `anomaly:${agentId}:${r.anomaly_id}`,
    severity: r.severity,
    title: `${r.type} on ${r.entity_kind} ${r.entity_id}`,
    text: `score ${r.score.toFixed(2)} on host ${r.host ?? '?'} (window ${new Date(r.ts).toISOString()})`,
    at: r.ts,
  };
}

/**
 * Feeds the dispatcher from VigilEvents. Anomaly severity is read back from the store by the ids the event names
 * (the event carries ids only); that query runs in the event handler, after the ingest transaction committed.
 */
export function subscribeAlertSources(ctx: VigilContext, d: AlertDispatcher, o: SourceOptions): () => void {
  const severities = SEVERITIES.filter((s) => severityAtLeast(s, o.minAnomalySeverity));
  const offAlert = ctx.events.on('alert.raised', (a) => {
    if (severityAtLeast(a.severity, o.minAlertSeverity)) d.offer(alertNotice(a));
  });
  const offAnomalies = ctx.events.on('anomalies.ingested', async ({ agentId, ids }) => {
    const { rows } = await ctx.db.query<AnomalyRow>(
      `SELECT anomaly_id, type, entity_kind, entity_id, host, severity, score, ts FROM anomalies
       WHERE origin = $1 AND anomaly_id = ANY($2::text[]) AND severity = ANY($3::text[])`,
      [agentId, ids, severities],
    );
    for (const r of rows) d.offer(anomalyNotice(agentId, r));
  });
  const offIncidents = subscribeIncidentAlerts(ctx, o.minIncidentSeverity);
  return () => {
    offAlert();
    offAnomalies();
    offIncidents();
  };
}
