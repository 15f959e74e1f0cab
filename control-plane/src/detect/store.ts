import type { Anomaly } from '../../../models/src/schema/index.ts';
import type { Queryable } from '../db/db.ts';
import { insertAnomalies } from '../store/anomalies.ts';

/** Origin under which cloud-scored anomalies are stored: one per log source, so ids never collide with agents'. */
export const cloudOrigin = (source: string) => `cloud:${source}`;

/**
 * Stores cloud anomalies grouped by their stream's origin. Returns the ids that were new (a re-scored window or a
 * retried Lambda batch yields the same deterministic id and is skipped).
 */
export async function storeCloudAnomalies(
  db: Queryable,
  stream: string,
  anomalies: readonly Anomaly[],
  now: number,
): Promise<Set<string>> {
  if (anomalies.length === 0) return new Set();
  return insertAnomalies(db, cloudOrigin(stream), null, null, anomalies, now);
}
