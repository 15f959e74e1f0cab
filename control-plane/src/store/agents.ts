import type { AgentView, Counters, Inventory } from '../api/schemas.ts';
import { newId } from '../auth/tokens.ts';
import type { Db, Queryable } from '../db/db.ts';
import { ApiError } from '../http/errors.ts';
import { issueCredential, revokeAgentCredentials } from './credentials.ts';
import { consumeEnrollmentToken } from './enrollment.ts';
import { decodeCursor, encodeCursor, Where } from './sql.ts';

const AGENT_COLUMNS = `id, instance_id, hostname, instance_type, region, az, agent_version, model_version, status,
  enrolled_at, first_heartbeat_at, last_heartbeat_at, counters`;

interface AgentRow {
  id: string;
  instance_id: string;
  hostname: string;
  instance_type: string | null;
  region: string | null;
  az: string | null;
  agent_version: string | null;
  model_version: string | null;
  status: AgentView['status'];
  enrolled_at: number;
  first_heartbeat_at: number | null;
  last_heartbeat_at: number | null;
  counters: AgentView['counters'];
}

const toView = (r: AgentRow): AgentView => ({
  id: r.id,
  instanceId: r.instance_id,
  hostname: r.hostname,
  instanceType: r.instance_type,
  region: r.region,
  az: r.az,
  agentVersion: r.agent_version,
  modelVersion: r.model_version,
  status: r.status,
  enrolledAt: r.enrolled_at,
  firstHeartbeatAt: r.first_heartbeat_at,
  lastHeartbeatAt: r.last_heartbeat_at,
  counters: r.counters,
});

const inventoryParams = (inv: Inventory) => [
  inv.hostname,
  inv.instanceType ?? null,
  inv.region ?? null,
  inv.az ?? null,
  inv.agentVersion,
  inv.modelVersion ?? null,
];

/**
 * Enrolls a host with a one-time token. A host that enrolls again (reinstalled agent, same instance id) keeps its
 * agent id and history; its earlier credentials are revoked, so only the newest install can speak for it.
 */
export async function enrollAgent(db: Db, token: string, inv: Inventory, now: number) {
  return db.transaction(async (tx) => {
    const tokenId = await consumeEnrollmentToken(tx, token, now);
    if (!tokenId) {
      throw new ApiError(
        401,
        'invalid_enrollment_token',
        'enrollment token is unknown, expired or already used',
        'token',
      );
    }
    const { rows } = await tx.query<{ id: string }>(
      `INSERT INTO agents (id, instance_id, hostname, instance_type, region, az, agent_version, model_version,
                           status, enrolled_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'active', $9)
       ON CONFLICT (instance_id) DO UPDATE SET hostname = EXCLUDED.hostname, instance_type = EXCLUDED.instance_type,
         region = EXCLUDED.region, az = EXCLUDED.az, agent_version = EXCLUDED.agent_version,
         model_version = EXCLUDED.model_version, status = 'active', enrolled_at = EXCLUDED.enrolled_at
       RETURNING id`,
      [newId('agt'), inv.instanceId, ...inventoryParams(inv), now],
    );
    const agentId = rows[0].id;
    await revokeAgentCredentials(tx, agentId, now);
    await tx.query('UPDATE enrollment_tokens SET used_by_agent = $2 WHERE id = $1', [tokenId, agentId]);
    return { agentId, tokenId, ...(await issueCredential(tx, agentId, now)) };
  });
}

/**
 * Updates the inventory and appends a heartbeat. Returns the status the agent had before, so the caller can
 * resolve a staleness alert. A credential copied to another machine shows up as an instance id mismatch (409).
 */
export async function recordHeartbeat(
  db: Db,
  agentId: string,
  body: { inventory: Inventory; counters: Counters },
  now: number,
): Promise<{ previousStatus: AgentView['status']; hostname: string }> {
  return db.transaction(async (tx) => {
    const { rows } = await tx.query<{ status: AgentView['status']; instance_id: string }>(
      'SELECT status, instance_id FROM agents WHERE id = $1 FOR UPDATE',
      [agentId],
    );
    const agent = rows[0];
    if (!agent || agent.status === 'revoked') throw new ApiError(401, 'invalid_credential', 'agent is revoked');
    if (agent.instance_id !== body.inventory.instanceId) {
      throw new ApiError(
        409,
        'instance_mismatch',
        'inventory.instanceId differs from the enrolled instance; re-enroll this host',
        'inventory.instanceId',
      );
    }
    const c = body.counters;
    await tx.query(
      `UPDATE agents SET hostname = $2, instance_type = $3, region = $4, az = $5, agent_version = $6,
         model_version = $7, status = 'active', first_heartbeat_at = coalesce(first_heartbeat_at, $8),
         last_heartbeat_at = $8, counters = $9::jsonb
       WHERE id = $1`,
      [agentId, ...inventoryParams(body.inventory), now, JSON.stringify(c)],
    );
    await tx.query(
      'INSERT INTO heartbeats (agent_id, at, lines, anomalies, actions, spool_depth) VALUES ($1, $2, $3, $4, $5, $6)',
      [agentId, now, c.lines, c.anomalies, c.actions, c.spoolDepth],
    );
    return { previousStatus: agent.status, hostname: body.inventory.hostname };
  });
}

export async function revokeAgent(db: Db, agentId: string, now: number): Promise<boolean> {
  return db.transaction(async (tx) => {
    const res = await tx.query("UPDATE agents SET status = 'revoked' WHERE id = $1", [agentId]);
    if (res.rowCount === 0) return false;
    await revokeAgentCredentials(tx, agentId, now);
    return true;
  });
}

export interface AgentFilter {
  status?: AgentView['status'];
  region?: string;
  hostname?: string;
  limit: number;
  cursor?: string;
}

/** Keyset pagination ordered by (hostname, id): stable under concurrent enrollments, no OFFSET scans. */
export async function listAgents(
  db: Queryable,
  f: AgentFilter,
): Promise<{ items: AgentView[]; nextCursor: string | null }> {
  const w = new Where();
  if (f.status) w.and(`status = ${w.p(f.status)}`);
  if (f.region) w.and(`region = ${w.p(f.region)}`);
  if (f.hostname) w.and(`hostname = ${w.p(f.hostname)}`);
  if (f.cursor) {
    const [host, id] = decodeCursor(f.cursor, ['string', 'string'] as const);
    w.and(`(hostname, id) > (${w.p(host)}, ${w.p(id)})`);
  }
  const { rows } = await db.query<AgentRow>(
    `SELECT ${AGENT_COLUMNS} FROM agents ${w} ORDER BY hostname, id LIMIT ${w.p(f.limit + 1)}`,
    w.params,
  );
  const more = rows.length > f.limit;
  const items = rows.slice(0, f.limit).map(toView);
  const last = items[items.length - 1];
  return { items, nextCursor: more && last ? encodeCursor([last.hostname, last.id]) : null };
}

/** Active agents silent since before `cutoff` become stale; returns them (each exactly once). */
export async function markStaleAgents(db: Queryable, cutoff: number) {
  const { rows } = await db.query<{ id: string; hostname: string; last_heartbeat_at: number | null }>(
    `UPDATE agents SET status = 'stale'
     WHERE status = 'active' AND coalesce(last_heartbeat_at, enrolled_at) < $1
     RETURNING id, hostname, last_heartbeat_at`,
    [cutoff],
  );
  return rows.map((r) => ({ agentId: r.id, hostname: r.hostname, lastHeartbeatAt: r.last_heartbeat_at }));
}

export async function agentStatusCounts(db: Queryable): Promise<Record<string, number>> {
  const { rows } = await db.query<{ status: string; n: number }>(
    'SELECT status, count(*) AS n FROM agents GROUP BY status',
  );
  return Object.fromEntries(rows.map((r) => [r.status, r.n]));
}
