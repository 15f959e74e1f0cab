import { createHash } from 'node:crypto';
import type { Queryable } from '../db/db.ts';
import { ApiError } from '../http/errors.ts';
import { bundleByVersion, newRegistryId } from './bundle-store.ts';

export const CHANNELS = ['stable', 'canary'] as const;
export type Channel = (typeof CHANNELS)[number];
export type RolloutStatus = 'active' | 'paused' | 'completed' | 'rolled_back';

export interface Rollout {
  id: string;
  bundleId: string;
  bundleVersion: string;
  channel: Channel;
  percent: number;
  status: RolloutStatus;
  startedAt: number;
  updatedAt: number;
  createdBy: string;
  haltReason: string | null;
  haltDetails: Record<string, unknown> | null;
}

/** A host's fixed place in 0..9999: the same agent always lands in the same bucket, so a rollout only grows. */
export function rolloutBucket(agentId: string): number {
  return createHash('sha256').update(agentId).digest().readUInt32BE(0) % 10_000;
}

export const inRollout = (agentId: string, percent: number) => rolloutBucket(agentId) < percent * 100;

const COLUMNS = `r.id, r.bundle_id, b.version AS bundle_version, r.channel, r.percent, r.status, r.started_at,
  r.updated_at, r.created_by, r.halt_reason, r.halt_details`;
interface Row {
  id: string;
  bundle_id: string;
  bundle_version: string;
  channel: Channel;
  percent: number;
  status: RolloutStatus;
  started_at: number;
  updated_at: number;
  created_by: string;
  halt_reason: string | null;
  halt_details: Record<string, unknown> | null;
}
const toRollout = (r: Row): Rollout => ({
  id: r.id,
  bundleId: r.bundle_id,
  bundleVersion: r.bundle_version,
  channel: r.channel,
  percent: r.percent,
  status: r.status,
  startedAt: r.started_at,
  updatedAt: r.updated_at,
  createdBy: r.created_by,
  haltReason: r.halt_reason,
  haltDetails: r.halt_details,
});

export async function listRollouts(db: Queryable, where = 'TRUE', params: unknown[] = []): Promise<Rollout[]> {
  const { rows } = await db.query<Row>(
    `SELECT ${COLUMNS} FROM rollouts r JOIN model_bundles b ON b.id = r.bundle_id WHERE ${where}
     ORDER BY r.started_at DESC, r.id DESC LIMIT 1000`,
    params,
  );
  return rows.map(toRollout);
}

export async function getRollout(db: Queryable, id: string): Promise<Rollout> {
  const [r] = await listRollouts(db, 'r.id = $1', [id]);
  if (!r) throw new ApiError(404, 'not_found', `no rollout ${id}`, 'id');
  return r;
}

export async function createRollout(
  db: Queryable,
  input: { bundleVersion: string; channel: Channel; percent: number },
  by: string,
  now: number,
): Promise<Rollout> {
  const bundle = await bundleByVersion(db, input.bundleVersion);
  if (!bundle) throw new ApiError(404, 'not_found', `no bundle ${input.bundleVersion}`, 'bundleVersion');
  const status: RolloutStatus = input.percent === 100 ? 'completed' : 'active';
  const id = newRegistryId('rol');
  try {
    await db.query(
      `INSERT INTO rollouts (id, bundle_id, channel, percent, status, started_at, updated_at, created_by)
       VALUES ($1, $2, $3, $4, $5, $6, $6, $7)`,
      [id, bundle.id, input.channel, input.percent, status, now, by],
    );
  } catch (err) {
    if (/rollouts_one_open_per_channel|duplicate key/.test(String((err as Error).message))) {
      throw new ApiError(
        409,
        'rollout_in_progress',
        `channel ${input.channel} already has an active or halted rollout: complete or roll it back first`,
        'channel',
      );
    }
    throw err;
  }
  return getRollout(db, id);
}

async function transition(
  db: Queryable,
  id: string,
  from: RolloutStatus[],
  set: string,
  params: unknown[],
): Promise<Rollout> {
  const { rowCount } = await db.query(`UPDATE rollouts SET ${set} WHERE id = $1 AND status = ANY($2::text[])`, [
    id,
    from,
    ...params,
  ]);
  if (rowCount === 0) {
    const r = await getRollout(db, id);
    throw new ApiError(409, 'invalid_state', `rollout ${id} is ${r.status}; this needs ${from.join(' or ')}`, 'id');
  }
  return getRollout(db, id);
}

/** Raises the share of hosts; 100 completes it. Advancing a halted rollout is an operator's explicit resume. */
export async function advanceRollout(db: Queryable, id: string, percent: number, now: number): Promise<Rollout> {
  const r = await getRollout(db, id);
  if (percent <= r.percent) {
    throw new ApiError(409, 'invalid_state', `rollout ${id} is at ${r.percent}%; advance needs more`, 'percent');
  }
  return transition(
    db,
    id,
    ['active', 'paused'],
    "percent = $3, status = CASE WHEN $3 = 100 THEN 'completed' ELSE 'active' END, updated_at = $4, halt_reason = NULL",
    [percent, now],
  );
}

/** Stops growth: hosts already in keep the bundle, no new host gets it. */
export function haltRollout(db: Queryable, id: string, reason: string, details: object | null, now: number) {
  return transition(
    db,
    id,
    ['active'],
    "status = 'paused', halt_reason = $3, halt_details = $4::jsonb, updated_at = $5",
    [reason, details ? JSON.stringify(details) : null, now],
  );
}

/** Withdraws the bundle: every host of the channel is offered the channel's previous completed bundle again. */
export function rollBackRollout(db: Queryable, id: string, reason: string, now: number) {
  return transition(
    db,
    id,
    ['active', 'paused', 'completed'],
    "status = 'rolled_back', halt_reason = COALESCE(halt_reason, $3), updated_at = $4",
    [reason, now],
  );
}

export async function agentChannel(db: Queryable, agentId: string): Promise<Channel> {
  const { rows } = await db.query<{ channel: Channel }>('SELECT channel FROM agent_channels WHERE agent_id = $1', [
    agentId,
  ]);
  return rows[0]?.channel ?? 'stable';
}

export async function setAgentChannel(db: Queryable, agentId: string, channel: Channel, now: number): Promise<void> {
  const { rows } = await db.query('SELECT 1 FROM agents WHERE id = $1', [agentId]);
  if (rows.length === 0) throw new ApiError(404, 'not_found', `no agent ${agentId}`, 'id');
  await db.query(
    `INSERT INTO agent_channels (agent_id, channel, updated_at) VALUES ($1, $2, $3)
     ON CONFLICT (agent_id) DO UPDATE SET channel = EXCLUDED.channel, updated_at = EXCLUDED.updated_at`,
    [agentId, channel, now],
  );
}

/**
 * The bundle an agent should run: its channel's open rollout when the agent's bucket is inside the percentage,
 * else the channel's newest completed rollout; a canary host with nothing of its own follows stable.
 */
export async function assignedBundleId(db: Queryable, agentId: string, channel: Channel): Promise<string | null> {
  for (const ch of channel === 'canary' ? (['canary', 'stable'] as const) : (['stable'] as const)) {
    const rollouts = await listRollouts(db, "r.channel = $1 AND r.status IN ('active', 'paused', 'completed')", [ch]);
    const open = rollouts.find((r) => r.status !== 'completed');
    if (open && inRollout(agentId, open.percent)) return open.bundleId;
    const done = rollouts.find((r) => r.status === 'completed');
    if (done) return done.bundleId;
  }
  return null;
}
