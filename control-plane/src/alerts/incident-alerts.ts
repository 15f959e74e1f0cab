import type { VigilContext } from '../context.ts';
import type { Queryable } from '../db/db.ts';
import type { AlertRecord } from '../events.ts';
import { raiseAlert, resolveAlerts } from '../store/alerts.ts';
import { type Notice, SEVERITIES, severityAtLeast } from './message.ts';
import { untrusted, untrustedList } from './untrusted.ts';

/** Alert kind of incident alerts; the subject is the incident id, so one open alert per incident. */
export const INCIDENT_ALERT_KIND = 'incident';
const LIVE = ['open', 'acknowledged'];
const CLOSED = ['resolved', 'false_positive'];
const rank = (s: string) => SEVERITIES.indexOf(s as Notice['severity']);

interface IncidentFacts {
  id: string;
  title: string;
  kind: string;
  status: string;
  severity: Notice['severity'];
  anomaly_count: number;
  first_seen_at: number | null;
  last_seen_at: number | null;
}

async function facts(db: Queryable, id: string) {
  const { rows } = await db.query<IncidentFacts>(
    `SELECT id, title, kind, status, severity, anomaly_count, first_seen_at, last_seen_at FROM incidents WHERE id = $1`,
    [id],
  );
  if (!rows[0]) return null;
  // Evidence for the reader: which hosts and entities. All of it comes from logs, so it is bounded and neutralised.
  const members = await db.query<{ host: string | null; entity: string; n: number }>(
    `SELECT a.host, a.entity_kind || ' ' || a.entity_id AS entity, count(*)::int AS n
     FROM incident_anomalies ia JOIN anomalies a ON a.seq = ia.anomaly_seq WHERE ia.incident_id = $1
     GROUP BY a.host, a.entity_kind, a.entity_id ORDER BY n DESC LIMIT 50`,
    [id],
  );
  const hosts = [...new Set(members.rows.map((r) => r.host).filter((h): h is string => !!h))];
  const entities = [...new Set(members.rows.map((r) => r.entity))];
  return { incident: rows[0], hosts, entities };
}

/** The alert text: trusted fields as they are, log-derived ones through `untrusted`. */
export function incidentAlert(
  f: NonNullable<Awaited<ReturnType<typeof facts>>>,
  escalatedFrom: string | null,
): Omit<AlertRecord, 'id' | 'raisedAt' | 'resolvedAt'> {
  const i = f.incident;
  const verb = escalatedFrom ? `escalated ${escalatedFrom} → ${i.severity}` : 'opened';
  const headline = `Incident ${verb}: ${untrusted(i.title, 160)}`;
  const span =
    i.first_seen_at !== null && i.last_seen_at !== null
      ? `${new Date(Number(i.first_seen_at)).toISOString()} – ${new Date(Number(i.last_seen_at)).toISOString()}`
      : 'unknown';
  const lines = [
    `${i.kind} incident ${i.id}, ${i.anomaly_count} anomal${i.anomaly_count === 1 ? 'y' : 'ies'}, seen ${span}`,
    ...(f.hosts.length ? [`hosts: ${untrustedList(f.hosts)}`] : []),
    ...(f.entities.length ? [`entities: ${untrustedList(f.entities)}`] : []),
  ];
  return {
    kind: INCIDENT_ALERT_KIND,
    severity: i.severity,
    subject: i.id,
    message: lines.join('\n'),
    details: {
      headline,
      incidentId: i.id,
      incidentKind: i.kind,
      anomalyCount: Number(i.anomaly_count),
      ...(escalatedFrom ? { escalatedFrom } : {}),
    },
  };
}

/**
 * Raises an `incident` alert when a live incident is at or above `minSeverity` and has no open alert yet (it was
 * opened, or grew into the threshold), or a higher severity than its open alert (escalation: the old alert is
 * resolved and a new one raised). The open alert row is the memory, so a restart neither repeats nor loses one.
 * Returns what changed; the caller emits the events.
 */
export async function syncIncidentAlert(
  db: Queryable,
  incidentId: string,
  minSeverity: Notice['severity'],
  now: number,
): Promise<{ raised: AlertRecord | null; resolved: AlertRecord[] }> {
  const f = await facts(db, incidentId);
  const none = { raised: null, resolved: [] };
  if (!f) return none;
  if (CLOSED.includes(f.incident.status)) {
    return { raised: null, resolved: await resolveAlerts(db, INCIDENT_ALERT_KIND, incidentId, now) };
  }
  if (!LIVE.includes(f.incident.status) || !severityAtLeast(f.incident.severity, minSeverity)) return none;
  const { rows } = await db.query<{ severity: string }>(
    'SELECT severity FROM alerts WHERE kind = $1 AND subject = $2 AND resolved_at IS NULL',
    [INCIDENT_ALERT_KIND, incidentId],
  );
  const open = rows[0]?.severity;
  if (open !== undefined && rank(open) >= rank(f.incident.severity)) return none;
  const resolved = open !== undefined ? await resolveAlerts(db, INCIDENT_ALERT_KIND, incidentId, now) : [];
  const raised = await raiseAlert(db, incidentAlert(f, open ?? null), now);
  return { raised, resolved };
}

/** Subscribes to incident.changed; alerts flow to the dispatcher through alert.raised like every other alert. */
export function subscribeIncidentAlerts(ctx: VigilContext, minSeverity: Notice['severity']): () => void {
  return ctx.events.on('incident.changed', async ({ id, status }) => {
    // status null = opened or grew; an operator's change only matters when it closes the incident
    if (status !== null && !CLOSED.includes(status)) return;
    const out = await ctx.db.transaction((tx) => syncIncidentAlert(tx, id, minSeverity, ctx.clock()));
    for (const r of out.resolved) ctx.events.emit('alert.resolved', r);
    if (out.raised) ctx.events.emit('alert.raised', out.raised);
  });
}
