/**
 * The initial schema. Conventions: every time is epoch milliseconds UTC in a bigint column named *_at (or ts), as in
 * the log contract; the application passes its clock in, so tests control time and no column depends on the
 * database server's clock. Secrets are stored only as SHA-256 hex digests. Forward-only: never edit this file after
 * it shipped; add 0002-*.ts instead.
 */
export const sql = `
CREATE TABLE agents (
  id              text PRIMARY KEY,
  instance_id     text NOT NULL UNIQUE,
  hostname        text NOT NULL,
  instance_type   text,
  region          text,
  az              text,
  agent_version   text,
  model_version   text,
  status          text NOT NULL CHECK (status IN ('active', 'stale', 'revoked')),
  enrolled_at     bigint NOT NULL,
  first_heartbeat_at bigint,
  last_heartbeat_at  bigint,
  -- last reported counters (lines, anomalies, actions, spoolDepth) as sent
  counters        jsonb NOT NULL DEFAULT '{}'::jsonb
);
CREATE INDEX agents_status_seen ON agents (status, last_heartbeat_at);
CREATE INDEX agents_hostname ON agents (hostname, id);

CREATE TABLE agent_credentials (
  id          text PRIMARY KEY,
  agent_id    text NOT NULL REFERENCES agents (id) ON DELETE CASCADE,
  secret_hash text NOT NULL UNIQUE,
  created_at  bigint NOT NULL,
  -- set when superseded by a rotation: the old secret stays valid until then (overlap window)
  expires_at  bigint,
  revoked_at  bigint
);
CREATE INDEX agent_credentials_agent ON agent_credentials (agent_id);

CREATE TABLE enrollment_tokens (
  id          text PRIMARY KEY,
  token_hash  text NOT NULL UNIQUE,
  note        text,
  created_by  text NOT NULL,
  created_at  bigint NOT NULL,
  expires_at  bigint NOT NULL,
  used_at     bigint,
  used_by_agent text
);

CREATE TABLE heartbeats (
  agent_id    text NOT NULL REFERENCES agents (id) ON DELETE CASCADE,
  at          bigint NOT NULL,
  lines       bigint NOT NULL,
  anomalies   bigint NOT NULL,
  actions     bigint NOT NULL,
  spool_depth bigint NOT NULL
);
CREATE INDEX heartbeats_agent_at ON heartbeats (agent_id, at);
CREATE INDEX heartbeats_at ON heartbeats (at);

CREATE TABLE anomalies (
  seq           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  agent_id      text REFERENCES agents (id) ON DELETE SET NULL,
  -- the sender's anomaly id; unique per agent so a re-sent batch never duplicates
  anomaly_id    text NOT NULL,
  origin        text NOT NULL,
  type          text NOT NULL,
  entity_kind   text NOT NULL,
  entity_id     text NOT NULL,
  source        text NOT NULL,
  ts            bigint NOT NULL,
  window_end    bigint NOT NULL,
  score         double precision NOT NULL,
  threshold     double precision NOT NULL,
  model         text NOT NULL,
  model_version text,
  severity      text NOT NULL,
  evidence      jsonb NOT NULL,
  host          text,
  detected_at   bigint NOT NULL,
  received_at   bigint NOT NULL,
  CONSTRAINT anomalies_idempotency UNIQUE (origin, anomaly_id)
);
CREATE INDEX anomalies_ts ON anomalies (ts, seq);
CREATE INDEX anomalies_host_ts ON anomalies (host, ts, seq);
CREATE INDEX anomalies_type_ts ON anomalies (type, ts, seq);
CREATE INDEX anomalies_received ON anomalies (received_at);

CREATE TABLE incidents (
  id          text PRIMARY KEY,
  title       text NOT NULL,
  status      text NOT NULL CHECK (status IN ('open', 'acknowledged', 'resolved')),
  severity    text NOT NULL,
  opened_at   bigint NOT NULL,
  updated_at  bigint NOT NULL,
  closed_at   bigint,
  summary     jsonb NOT NULL DEFAULT '{}'::jsonb
);
CREATE INDEX incidents_status ON incidents (status, opened_at);

CREATE TABLE incident_anomalies (
  incident_id text NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
  anomaly_seq bigint NOT NULL REFERENCES anomalies (seq) ON DELETE CASCADE,
  PRIMARY KEY (incident_id, anomaly_seq)
);
CREATE INDEX incident_anomalies_anomaly ON incident_anomalies (anomaly_seq);

CREATE TABLE actions (
  seq           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  agent_id      text REFERENCES agents (id) ON DELETE SET NULL,
  action_id     text NOT NULL,
  origin        text NOT NULL,
  playbook      text NOT NULL,
  mode          text NOT NULL,
  decision      text NOT NULL,
  result        text NOT NULL,
  dry_run       boolean NOT NULL,
  why           text NOT NULL,
  anomaly_id    text,
  anomaly_type  text,
  severity      text,
  target        text,
  host          text,
  started_at    bigint NOT NULL,
  finished_at   bigint NOT NULL,
  received_at   bigint NOT NULL,
  -- model, score, evidence, plan, recommendationId, approvedBy as sent
  details       jsonb NOT NULL,
  CONSTRAINT actions_idempotency UNIQUE (origin, action_id)
);
CREATE INDEX actions_started ON actions (started_at, seq);
CREATE INDEX actions_host ON actions (host, started_at);

CREATE TABLE action_outcomes (
  action_seq  bigint NOT NULL REFERENCES actions (seq) ON DELETE CASCADE,
  stage       text NOT NULL CHECK (stage IN ('exec', 'verify')),
  ok          boolean NOT NULL,
  detail      text NOT NULL,
  facts       jsonb,
  recorded_at bigint NOT NULL,
  PRIMARY KEY (action_seq, stage)
);

CREATE TABLE model_bundles (
  id          text PRIMARY KEY,
  version     text NOT NULL UNIQUE,
  manifest    jsonb NOT NULL,
  sha256      text NOT NULL,
  signature   text,
  key_id      text,
  created_at  bigint NOT NULL,
  created_by  text NOT NULL
);

CREATE TABLE rollouts (
  id          text PRIMARY KEY,
  bundle_id   text NOT NULL REFERENCES model_bundles (id),
  channel     text NOT NULL,
  percent     integer NOT NULL CHECK (percent BETWEEN 0 AND 100),
  status      text NOT NULL CHECK (status IN ('active', 'paused', 'completed', 'rolled_back')),
  started_at  bigint NOT NULL,
  updated_at  bigint NOT NULL,
  created_by  text NOT NULL
);
CREATE INDEX rollouts_channel ON rollouts (channel, status);

CREATE TABLE ingest_checkpoints (
  source      text NOT NULL,
  log_group   text NOT NULL,
  log_stream  text NOT NULL,
  next_token  text,
  last_event_at bigint,
  updated_at  bigint NOT NULL,
  PRIMARY KEY (source, log_group, log_stream)
);

CREATE TABLE feedback_labels (
  id          text PRIMARY KEY,
  anomaly_origin text NOT NULL,
  anomaly_id  text NOT NULL,
  label       text NOT NULL CHECK (label IN ('true_positive', 'false_positive', 'benign', 'unsure')),
  anomaly_type text,
  note        text,
  created_by  text NOT NULL,
  created_at  bigint NOT NULL
);
CREATE INDEX feedback_labels_anomaly ON feedback_labels (anomaly_origin, anomaly_id);
CREATE INDEX feedback_labels_created ON feedback_labels (created_at);

CREATE TABLE operators (
  id          text PRIMARY KEY,
  name        text NOT NULL UNIQUE,
  created_at  bigint NOT NULL
);

CREATE TABLE api_tokens (
  id          text PRIMARY KEY,
  operator_id text NOT NULL REFERENCES operators (id),
  role        text NOT NULL CHECK (role IN ('viewer', 'operator', 'admin')),
  token_hash  text NOT NULL UNIQUE,
  created_by  text NOT NULL,
  created_at  bigint NOT NULL,
  revoked_at  bigint
);

CREATE TABLE audit_log (
  seq         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  at          bigint NOT NULL,
  actor_kind  text NOT NULL CHECK (actor_kind IN ('operator', 'agent', 'anonymous', 'system')),
  actor_id    text,
  action      text NOT NULL,
  target      text,
  result      text NOT NULL CHECK (result IN ('ok', 'denied', 'error')),
  status      integer,
  request_id  text,
  ip          text,
  detail      jsonb
);
CREATE INDEX audit_log_at ON audit_log (at);
CREATE INDEX audit_log_actor ON audit_log (actor_id, seq);

CREATE TABLE alerts (
  id          text PRIMARY KEY,
  kind        text NOT NULL,
  severity    text NOT NULL,
  subject     text NOT NULL,
  message     text NOT NULL,
  details     jsonb NOT NULL DEFAULT '{}'::jsonb,
  raised_at   bigint NOT NULL,
  resolved_at bigint
);
-- at most one open alert per (kind, subject): a host that stays silent does not raise one alert per check
CREATE UNIQUE INDEX alerts_open ON alerts (kind, subject) WHERE resolved_at IS NULL;
CREATE INDEX alerts_raised ON alerts (raised_at);

CREATE TABLE ingest_batches (
  agent_id    text NOT NULL REFERENCES agents (id) ON DELETE CASCADE,
  kind        text NOT NULL,
  key         text NOT NULL,
  body_sha256 text NOT NULL,
  received_at bigint NOT NULL,
  PRIMARY KEY (agent_id, kind, key)
);
CREATE INDEX ingest_batches_received ON ingest_batches (received_at);
`;
