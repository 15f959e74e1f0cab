import { hashSecret, newId, newSecret, type Role } from '../auth/tokens.ts';
import type { Queryable } from '../db/db.ts';

export interface OperatorPrincipal {
  kind: 'operator';
  tokenId: string;
  operatorId: string;
  name: string;
  role: Role;
}

async function ensureOperator(db: Queryable, name: string, now: number): Promise<string> {
  const { rows } = await db.query<{ id: string }>(
    `INSERT INTO operators (id, name, created_at) VALUES ($1, $2, $3)
     ON CONFLICT (name) DO UPDATE SET name = EXCLUDED.name RETURNING id`,
    [newId('opr'), name, now],
  );
  return rows[0].id;
}

/** Creates an API token for operator `name` (created if new). The secret is returned here and never again. */
export async function createOperatorToken(
  db: Queryable,
  opts: { name: string; role: Role; createdBy: string; now: number; secret?: string },
): Promise<{ id: string; name: string; role: Role; token: string }> {
  const operatorId = await ensureOperator(db, opts.name, opts.now);
  const token = opts.secret ?? newSecret('operator');
  const id = newId('tok');
  await db.query(
    `INSERT INTO api_tokens (id, operator_id, role, token_hash, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6)`,
    [id, operatorId, opts.role, hashSecret(token), opts.createdBy, opts.now],
  );
  return { id, name: opts.name, role: opts.role, token };
}

export async function authenticateOperator(db: Queryable, secret: string): Promise<OperatorPrincipal | null> {
  const { rows } = await db.query<{ id: string; operator_id: string; name: string; role: Role }>(
    `SELECT t.id, t.operator_id, o.name, t.role FROM api_tokens t JOIN operators o ON o.id = t.operator_id
     WHERE t.token_hash = $1 AND t.revoked_at IS NULL`,
    [hashSecret(secret)],
  );
  const r = rows[0];
  return r ? { kind: 'operator', tokenId: r.id, operatorId: r.operator_id, name: r.name, role: r.role } : null;
}

export async function revokeOperatorToken(db: Queryable, id: string, now: number): Promise<boolean> {
  const res = await db.query('UPDATE api_tokens SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL', [id, now]);
  return res.rowCount > 0;
}

export async function listOperatorTokens(db: Queryable) {
  const { rows } = await db.query<{
    id: string;
    name: string;
    role: Role;
    created_by: string;
    created_at: number;
    revoked_at: number | null;
  }>(
    `SELECT t.id, o.name, t.role, t.created_by, t.created_at, t.revoked_at
     FROM api_tokens t JOIN operators o ON o.id = t.operator_id ORDER BY t.created_at, t.id`,
  );
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    role: r.role,
    createdBy: r.created_by,
    createdAt: r.created_at,
    revokedAt: r.revoked_at,
  }));
}

/**
 * First start: make sure an admin can log in. With a configured token, its hash is registered (idempotent). Without
 * one, and when no admin token exists yet, a token is generated and returned so the caller can print it once; only
 * its hash is stored.
 */
export async function bootstrapAdmin(
  db: Queryable,
  configured: string | undefined,
  now: number,
): Promise<{ generated: string | null }> {
  if (configured) {
    const { rows } = await db.query('SELECT 1 FROM api_tokens WHERE token_hash = $1', [hashSecret(configured)]);
    if (rows.length === 0) {
      await createOperatorToken(db, { name: 'admin', role: 'admin', createdBy: 'bootstrap', now, secret: configured });
    }
    return { generated: null };
  }
  const { rows } = await db.query("SELECT 1 FROM api_tokens WHERE role = 'admin' AND revoked_at IS NULL LIMIT 1");
  if (rows.length > 0) return { generated: null };
  const created = await createOperatorToken(db, { name: 'admin', role: 'admin', createdBy: 'bootstrap', now });
  return { generated: created.token };
}
