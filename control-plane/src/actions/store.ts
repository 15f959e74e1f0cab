import { randomBytes } from 'node:crypto';
import type { Queryable } from '../db/db.ts';
import { ApiError } from '../http/errors.ts';

export interface RecommendedAction {
  seq: number;
  agentId: string | null;
  instanceId: string | null;
  host: string | null;
  actionId: string;
  playbook: string;
  target: string | null;
  anomalyId: string | null;
  why: string;
}

export const newApprovalId = () => `apr_${randomBytes(12).toString('hex')}`;

/** A `recommend`-mode action record that nobody has decided on yet; 404/409 otherwise. */
export async function undecidedRecommendation(db: Queryable, seq: number): Promise<RecommendedAction> {
  const { rows } = await db.query<{
    seq: number;
    agent_id: string | null;
    instance_id: string | null;
    host: string | null;
    action_id: string;
    playbook: string;
    target: string | null;
    anomaly_id: string | null;
    why: string;
    decided: boolean;
  }>(
    `SELECT x.seq, x.agent_id, g.instance_id, x.host, x.action_id, x.playbook, x.target, x.anomaly_id, x.why,
       EXISTS (SELECT 1 FROM action_approvals a WHERE a.action_seq = x.seq) AS decided
     FROM actions x LEFT JOIN agents g ON g.id = x.agent_id
     WHERE x.seq = $1 AND x.decision = 'recommended' AND x.mode = 'recommend'`,
    [seq],
  );
  const r = rows[0];
  if (!r) throw new ApiError(404, 'not_found', `no recommended action ${seq}`, 'id');
  if (r.decided) throw new ApiError(409, 'already_decided', `action ${seq} was already approved or rejected`, 'id');
  return {
    seq: r.seq,
    agentId: r.agent_id,
    instanceId: r.instance_id,
    host: r.host,
    actionId: r.action_id,
    playbook: r.playbook,
    target: r.target,
    anomalyId: r.anomaly_id,
    why: r.why,
  };
}

export interface Decision {
  id: string;
  action: RecommendedAction;
  decision: 'approved' | 'rejected';
  via: 'agent' | 'ssm' | null;
  reason: string;
  by: string;
  at: number;
  expiresAt: number | null;
}

export async function recordDecision(db: Queryable, d: Decision): Promise<void> {
  try {
    await db.query(
      `INSERT INTO action_approvals (id, action_seq, agent_id, decision, via, reason, decided_by, decided_at, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [d.id, d.action.seq, d.action.agentId, d.decision, d.via, d.reason, d.by, d.at, d.expiresAt],
    );
  } catch (err) {
    if (/duplicate key|unique/i.test((err as Error).message)) {
      throw new ApiError(409, 'already_decided', `action ${d.action.seq} was already approved or rejected`, 'id');
    }
    throw err;
  }
}

export async function recordSsmSent(db: Queryable, id: string, commandId: string, instanceId: string) {
  await db.query(
    "UPDATE action_approvals SET ssm_command_id = $2, ssm_instance_id = $3, ssm_status = 'Pending' WHERE id = $1",
    [id, commandId, instanceId],
  );
}

export async function recordOutcome(
  db: Queryable,
  id: string,
  status: string,
  ok: boolean | null,
  detail: string,
  now: number,
) {
  await db.query(
    `UPDATE action_approvals SET ssm_status = $2, outcome = $3, outcome_detail = $4, outcome_at = $5
     WHERE id = $1 AND outcome IS NULL`,
    [id, status, ok === null ? null : ok ? 'success' : 'failure', detail.slice(0, 2048), ok === null ? null : now],
  );
}

export async function openSsmCommands(db: Queryable) {
  const { rows } = await db.query<{ id: string; ssm_command_id: string; ssm_instance_id: string }>(
    `SELECT id, ssm_command_id, ssm_instance_id FROM action_approvals
     WHERE ssm_command_id IS NOT NULL AND outcome IS NULL ORDER BY decided_at LIMIT 500`,
  );
  return rows;
}

/** docs/api.md GET /v1/agents/actions/pending: approved, unexpired, and not yet answered by an action record. */
export async function pendingForAgent(db: Queryable, agentId: string, now: number) {
  const { rows } = await db.query<{
    id: string;
    action_id: string;
    playbook: string;
    anomaly_id: string | null;
    target: string | null;
    decided_by: string;
    decided_at: number;
    expires_at: number;
  }>(
    `SELECT a.id, x.action_id, x.playbook, x.anomaly_id, x.target, a.decided_by, a.decided_at, a.expires_at
     FROM action_approvals a JOIN actions x ON x.seq = a.action_seq
     WHERE a.agent_id = $1 AND a.decision = 'approved' AND a.via = 'agent' AND a.expires_at > $2
       AND NOT EXISTS (SELECT 1 FROM actions y WHERE y.agent_id = a.agent_id
                       AND y.details->>'recommendationId' = x.action_id AND y.decision <> 'recommended')
     ORDER BY a.decided_at LIMIT 100`,
    [agentId, now],
  );
  return rows.map((r) => ({
    approvalId: r.id,
    recommendationId: r.action_id,
    playbook: r.playbook,
    ...(r.anomaly_id ? { anomalyId: r.anomaly_id } : {}),
    ...(r.target ? { target: r.target } : {}),
    approvedBy: r.decided_by,
    approvedAt: r.decided_at,
    expiresAt: r.expires_at,
  }));
}
