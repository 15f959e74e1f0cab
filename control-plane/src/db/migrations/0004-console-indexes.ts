/**
 * Indexes for the fleet console's queries. Forward-only: never edit after it shipped.
 * - incidents filtered by state and ordered by recent activity (the incident list's default view);
 * - actions taken for an incident's anomalies (incident detail), and the action history page ordered by arrival;
 * - the fleet page ordered by last heartbeat.
 * The per-host 24 h anomaly counts and the timeline use the existing anomalies (host, ts, seq) and (ts, seq) indexes.
 */
export const sql = `
CREATE INDEX incidents_status_seen ON incidents (status, last_seen_at, id);
CREATE INDEX actions_anomaly ON actions (anomaly_id);
CREATE INDEX actions_received ON actions (received_at, seq);
CREATE INDEX agents_seen ON agents (last_heartbeat_at, id);
`;
