/**
 * Incidents with a full lifecycle and correlation keys, and the principal → region history the unusual-region rule
 * needs. Forward-only: never edit after it shipped.
 */
export const sql = `
ALTER TABLE incidents DROP CONSTRAINT incidents_status_check;
ALTER TABLE incidents ADD CONSTRAINT incidents_status_check
  CHECK (status IN ('open', 'acknowledged', 'resolved', 'false_positive'));
-- rule that opened it (model, distributed_brute_force, fleet_miner, unusual_region, account_spike)
ALTER TABLE incidents ADD COLUMN kind text NOT NULL DEFAULT 'model';
-- anomaly time span (epoch ms), as opposed to opened_at/updated_at (when the control plane acted)
ALTER TABLE incidents ADD COLUMN first_seen_at bigint;
ALTER TABLE incidents ADD COLUMN last_seen_at bigint;
ALTER TABLE incidents ADD COLUMN anomaly_count integer NOT NULL DEFAULT 0;
ALTER TABLE incidents ADD COLUMN updated_by text;
CREATE INDEX incidents_seen ON incidents (last_seen_at, id);

-- what an incident is about (entity:kind:id, ip:..., principal:..., miner:...): new anomalies sharing a key and
-- close in time join the incident instead of opening another
CREATE TABLE incident_keys (
  incident_id text NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
  key         text NOT NULL,
  PRIMARY KEY (incident_id, key)
);
CREATE INDEX incident_keys_key ON incident_keys (key);

ALTER TABLE feedback_labels ADD COLUMN incident_id text;

CREATE TABLE principal_regions (
  principal     text NOT NULL,
  region        text NOT NULL,
  first_seen_at bigint NOT NULL,
  PRIMARY KEY (principal, region)
);
`;
