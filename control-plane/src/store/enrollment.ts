import { hashSecret, newId, newSecret } from '../auth/tokens.ts';
import type { Queryable } from '../db/db.ts';

export async function createEnrollmentToken(
  db: Queryable,
  opts: { createdBy: string; ttlMs: number; note?: string; now: number },
): Promise<{ id: string; token: string; expiresAt: number }> {
  const token = newSecret('enrollment');
  const id = newId('enr');
  const expiresAt = opts.now + opts.ttlMs;
  await db.query(
    `INSERT INTO enrollment_tokens (id, token_hash, note, created_by, created_at, expires_at)
     VALUES ($1, $2, $3, $4, $5, $6)`,
    [id, hashSecret(token), opts.note ?? null, opts.createdBy, opts.now, expiresAt],
  );
  return { id, token, expiresAt };
}

/**
 * Marks the token used and returns its id, or null when it is unknown, expired or already used. One UPDATE, so two
 * agents racing with the same token cannot both win.
 */
export async function consumeEnrollmentToken(db: Queryable, token: string, now: number): Promise<string | null> {
  const { rows } = await db.query<{ id: string }>(
    `UPDATE enrollment_tokens SET used_at = $2
     WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2 RETURNING id`,
    [hashSecret(token), now],
  );
  return rows[0]?.id ?? null;
}

export async function listEnrollmentTokens(db: Queryable) {
  const { rows } = await db.query<{
    id: string;
    note: string | null;
    created_by: string;
    created_at: number;
    expires_at: number;
    used_at: number | null;
    used_by_agent: string | null;
  }>(
    `SELECT id, note, created_by, created_at, expires_at, used_at, used_by_agent
     FROM enrollment_tokens ORDER BY created_at DESC, id LIMIT 1000`,
  );
  return rows.map((r) => ({
    id: r.id,
    note: r.note,
    createdBy: r.created_by,
    createdAt: r.created_at,
    expiresAt: r.expires_at,
    usedAt: r.used_at,
    usedByAgent: r.used_by_agent,
  }));
}
