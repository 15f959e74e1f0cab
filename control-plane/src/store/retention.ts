import type { RetentionConfig } from '../config/schema.ts';
import type { Queryable } from '../db/db.ts';

const DAY_MS = 86_400_000;
const CHUNK = 5000;

/**
 * What "older than N days" means per table. Every table that grows is listed; a table absent here is never
 * trimmed (static config: agents, credentials, operators, tokens, bundles, rollouts, checkpoints). The SQL is
 * constant text: the cutoff is always a bind parameter.
 */
export const RETENTION_RULES: Record<keyof RetentionConfig, { table: string; expired: string }> = {
  anomalies: { table: 'anomalies', expired: 'ts < $1' },
  heartbeats: { table: 'heartbeats', expired: 'at < $1' },
  actions: { table: 'actions', expired: 'started_at < $1' },
  audit_log: { table: 'audit_log', expired: 'at < $1' },
  // open alerts are kept however old: they still need a person
  alerts: { table: 'alerts', expired: 'resolved_at IS NOT NULL AND raised_at < $1' },
  incidents: { table: 'incidents', expired: 'closed_at IS NOT NULL AND closed_at < $1' },
  feedback_labels: { table: 'feedback_labels', expired: 'created_at < $1' },
  enrollment_tokens: { table: 'enrollment_tokens', expired: 'coalesce(used_at, expires_at) < $1' },
  ingest_batches: { table: 'ingest_batches', expired: 'received_at < $1' },
};

/**
 * Deletes expired rows table by table, in chunks so a large backlog never holds one huge transaction or lock.
 * Days = 0 keeps the table forever. Returns rows deleted per table.
 */
export async function enforceRetention(
  db: Queryable,
  policy: RetentionConfig,
  now: number,
): Promise<Record<string, number>> {
  const deleted: Record<string, number> = {};
  for (const [key, rule] of Object.entries(RETENTION_RULES) as [
    keyof RetentionConfig,
    (typeof RETENTION_RULES)[keyof RetentionConfig],
  ][]) {
    const days = policy[key];
    if (!days) continue;
    const cutoff = now - days * DAY_MS;
    let total = 0;
    for (;;) {
      const res = await db.query(
        `DELETE FROM ${rule.table} WHERE ctid = ANY(ARRAY(SELECT ctid FROM ${rule.table} WHERE ${rule.expired} LIMIT ${CHUNK}))`,
        [cutoff],
      );
      total += res.rowCount;
      if (res.rowCount < CHUNK) break;
    }
    deleted[rule.table] = total;
  }
  return deleted;
}
