import { createHash } from 'node:crypto';
import type { Queryable } from '../db/db.ts';
import { ApiError } from '../http/errors.ts';

/**
 * Records a batch Idempotency-Key inside the ingest transaction. Returns true when the key was seen before with the
 * same body (a replay: items will all come back as duplicates). The same key with a different body is a client
 * bug that would otherwise hide data, so it is refused (422).
 */
export async function claimBatchKey(
  tx: Queryable,
  agentId: string,
  kind: 'anomalies' | 'actions',
  key: string,
  body: unknown,
  now: number,
): Promise<boolean> {
  const digest = createHash('sha256').update(JSON.stringify(body)).digest('hex');
  const inserted = await tx.query(
    `INSERT INTO ingest_batches (agent_id, kind, key, body_sha256, received_at) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT DO NOTHING`,
    [agentId, kind, key, digest, now],
  );
  if (inserted.rowCount > 0) return false;
  const { rows } = await tx.query<{ body_sha256: string }>(
    'SELECT body_sha256 FROM ingest_batches WHERE agent_id = $1 AND kind = $2 AND key = $3',
    [agentId, kind, key],
  );
  if (rows[0]?.body_sha256 !== digest) {
    throw new ApiError(
      422,
      'idempotency_key_reused',
      'Idempotency-Key was already used for a different batch; use a new key per batch',
      'Idempotency-Key',
    );
  }
  return true;
}

/** First occurrence of each id in a batch; later ones are duplicates within the batch itself. */
export function firstById<T extends { id: string }>(items: readonly T[]): { unique: T[]; seen: Set<string> } {
  const seen = new Set<string>();
  const unique: T[] = [];
  for (const item of items) {
    if (seen.has(item.id)) continue;
    seen.add(item.id);
    unique.push(item);
  }
  return { unique, seen };
}

/** Per-item statuses in request order: the first occurrence of an id inserted now is accepted, all else duplicate. */
export function itemStatuses(items: readonly { id: string }[], inserted: Set<string>) {
  const claimed = new Set<string>();
  const results = items.map(({ id }) => {
    const accepted = inserted.has(id) && !claimed.has(id);
    claimed.add(id);
    return { id, status: accepted ? ('accepted' as const) : ('duplicate' as const) };
  });
  const accepted = results.filter((r) => r.status === 'accepted').length;
  return { results, accepted, duplicates: results.length - accepted };
}
