import type { Queryable } from '../db/db.ts';

/**
 * Where a reader stopped in one log stream (or S3 prefix): the newest event time consumed and the ids of the events
 * at exactly that time. Resuming reads from that time inclusive and skips those ids, so events sharing the last
 * millisecond are neither lost nor repeated. Stored in ingest_checkpoints (ids as JSON in next_token).
 */
export interface Checkpoint {
  lastEventAt: number | null;
  /** Event ids at lastEventAt (CloudWatch), or the last key consumed (S3, one entry). */
  ids: string[];
}

export interface CheckpointKey {
  source: string;
  logGroup: string;
  logStream: string;
}

const MAX_IDS = 10_000;

export async function loadCheckpoint(db: Queryable, k: CheckpointKey): Promise<Checkpoint> {
  const { rows } = await db.query<{ next_token: string | null; last_event_at: number | null }>(
    'SELECT next_token, last_event_at FROM ingest_checkpoints WHERE source = $1 AND log_group = $2 AND log_stream = $3',
    [k.source, k.logGroup, k.logStream],
  );
  const r = rows[0];
  if (!r) return { lastEventAt: null, ids: [] };
  let ids: string[] = [];
  try {
    const parsed: unknown = r.next_token ? JSON.parse(r.next_token) : [];
    if (Array.isArray(parsed)) ids = parsed.filter((x): x is string => typeof x === 'string');
  } catch {
    ids = []; // a damaged token costs at most re-reading one millisecond's events
  }
  return { lastEventAt: r.last_event_at, ids };
}

export async function saveCheckpoint(db: Queryable, k: CheckpointKey, cp: Checkpoint, now: number): Promise<void> {
  await db.query(
    `INSERT INTO ingest_checkpoints (source, log_group, log_stream, next_token, last_event_at, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (source, log_group, log_stream)
     DO UPDATE SET next_token = EXCLUDED.next_token, last_event_at = EXCLUDED.last_event_at, updated_at = EXCLUDED.updated_at`,
    [k.source, k.logGroup, k.logStream, JSON.stringify(cp.ids.slice(-MAX_IDS)), cp.lastEventAt, now],
  );
}

/** True when an event at `ts` with `id` was already consumed under `cp`. */
export function alreadySeen(cp: Checkpoint, ts: number, id: string, seenAtLast: Set<string>): boolean {
  if (cp.lastEventAt === null) return false;
  return ts < cp.lastEventAt || (ts === cp.lastEventAt && seenAtLast.has(id));
}
