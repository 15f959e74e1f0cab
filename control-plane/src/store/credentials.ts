import { hashSecret, newId, newSecret } from '../auth/tokens.ts';
import type { Db, Queryable } from '../db/db.ts';
import { ApiError } from '../http/errors.ts';

export interface AgentPrincipal {
  kind: 'agent';
  agentId: string;
  credentialId: string;
  hostname: string;
  instanceId: string;
  /** Set when this credential was rotated out and is inside its overlap window. */
  expiresAt: number | null;
}

export async function issueCredential(db: Queryable, agentId: string, now: number) {
  const credential = newSecret('agent');
  const credentialId = newId('crd');
  await db.query('INSERT INTO agent_credentials (id, agent_id, secret_hash, created_at) VALUES ($1, $2, $3, $4)', [
    credentialId,
    agentId,
    hashSecret(credential),
    now,
  ]);
  return { credential, credentialId };
}

/** A live credential of a non-revoked agent, or null: unknown, revoked and expired look the same to the caller. */
export async function authenticateAgent(db: Queryable, secret: string, now: number): Promise<AgentPrincipal | null> {
  const { rows } = await db.query<{
    id: string;
    agent_id: string;
    expires_at: number | null;
    hostname: string;
    instance_id: string;
  }>(
    `SELECT c.id, c.agent_id, c.expires_at, a.hostname, a.instance_id
     FROM agent_credentials c JOIN agents a ON a.id = c.agent_id
     WHERE c.secret_hash = $1 AND c.revoked_at IS NULL AND (c.expires_at IS NULL OR c.expires_at > $2)
       AND a.status <> 'revoked'`,
    [hashSecret(secret), now],
  );
  const r = rows[0];
  if (!r) return null;
  return {
    kind: 'agent',
    agentId: r.agent_id,
    credentialId: r.id,
    hostname: r.hostname,
    instanceId: r.instance_id,
    expiresAt: r.expires_at,
  };
}

/**
 * Issues a new secret and lets the calling one live `overlapMs` longer, so an agent that crashes between receiving
 * and persisting the new secret can still get in with the old one. Only the current credential may rotate: a
 * superseded one (say, a stolen copy of an old secret) cannot mint fresh credentials.
 */
export async function rotateCredential(
  db: Db,
  principal: AgentPrincipal,
  now: number,
  overlapMs: number,
): Promise<{ credential: string; credentialId: string; previousValidUntil: number }> {
  return db.transaction(async (tx) => {
    const previousValidUntil = now + overlapMs;
    const res = await tx.query(
      `UPDATE agent_credentials SET expires_at = $2
       WHERE id = $1 AND expires_at IS NULL AND revoked_at IS NULL`,
      [principal.credentialId, previousValidUntil],
    );
    if (res.rowCount === 0) {
      throw new ApiError(409, 'credential_superseded', 'this credential was already rotated; use the newest one');
    }
    return { ...(await issueCredential(tx, principal.agentId, now)), previousValidUntil };
  });
}

export async function revokeAgentCredentials(db: Queryable, agentId: string, now: number): Promise<number> {
  const res = await db.query(
    'UPDATE agent_credentials SET revoked_at = $2 WHERE agent_id = $1 AND revoked_at IS NULL',
    [agentId, now],
  );
  return res.rowCount;
}
