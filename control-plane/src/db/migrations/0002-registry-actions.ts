/**
 * Model distribution and action approvals. Forward-only: never edit after it shipped.
 * - model_bundles gains the signed distribution manifest (the exact string agents verify) and the tar.gz archive
 *   built at upload, so any replica can serve it without shared disk.
 * - agent_channels puts a host on the canary channel (absent = stable); agent_bundle_state records what each agent
 *   reports it runs (GET /v1/agents/bundle?current=).
 * - rollouts gain why they were halted and the rate comparison that decided it.
 * - action_approvals holds a person's decision on a recommended action and, for SSM delivery, the command and its
 *   outcome.
 */
export const sql = `
ALTER TABLE model_bundles ADD COLUMN signed_manifest text;
ALTER TABLE model_bundles ADD COLUMN archive bytea;
ALTER TABLE model_bundles ADD COLUMN archive_size integer;

CREATE TABLE agent_channels (
  agent_id   text PRIMARY KEY REFERENCES agents (id) ON DELETE CASCADE,
  channel    text NOT NULL CHECK (channel IN ('stable', 'canary')),
  updated_at bigint NOT NULL
);

CREATE TABLE agent_bundle_state (
  agent_id        text PRIMARY KEY REFERENCES agents (id) ON DELETE CASCADE,
  current_version text,
  offered_version text,
  checked_at      bigint NOT NULL
);

ALTER TABLE rollouts ADD COLUMN halt_reason text;
ALTER TABLE rollouts ADD COLUMN halt_details jsonb;
CREATE UNIQUE INDEX rollouts_one_open_per_channel ON rollouts (channel) WHERE status IN ('active', 'paused');

CREATE TABLE action_approvals (
  id             text PRIMARY KEY,
  action_seq     bigint NOT NULL UNIQUE REFERENCES actions (seq) ON DELETE CASCADE,
  agent_id       text REFERENCES agents (id) ON DELETE SET NULL,
  decision       text NOT NULL CHECK (decision IN ('approved', 'rejected')),
  via            text CHECK (via IN ('agent', 'ssm')),
  reason         text NOT NULL,
  decided_by     text NOT NULL,
  decided_at     bigint NOT NULL,
  expires_at     bigint,
  ssm_command_id text,
  ssm_instance_id text,
  ssm_status     text,
  outcome        text CHECK (outcome IN ('success', 'failure')),
  outcome_detail text,
  outcome_at     bigint
);
CREATE INDEX action_approvals_agent ON action_approvals (agent_id, decision, expires_at);
CREATE INDEX action_approvals_ssm_open ON action_approvals (ssm_command_id) WHERE ssm_command_id IS NOT NULL AND outcome IS NULL;
CREATE INDEX actions_recommendation ON actions (agent_id, (details->>'recommendationId'));
`;
