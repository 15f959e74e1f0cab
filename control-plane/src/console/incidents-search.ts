import { ENTITY_KINDS } from '../../../models/src/schema/index.ts';
import type { Queryable } from '../db/db.ts';
import { COLUMNS, listIncidents, toIncident } from '../detect/incidents-store.ts';
import { decodeCursor, encodeCursor, Where } from '../store/sql.ts';
import { containsPattern } from './fleet-store.ts';

export interface IncidentSearch {
  q?: string;
  status?: string;
  severity?: string;
  limit: number;
  cursor?: string;
}

/** The correlation keys an exact search term can name: an IP, a principal, or any entity id. */
export const keysFor = (q: string) => [`ip:${q}`, `principal:${q}`, ...ENTITY_KINDS.map((k) => `entity:${k}:${q}`)];

/**
 * The incident list with a search box: `q` matches an incident id, an exact entity / IP / principal (through the
 * incident_keys index), or a substring of the title. Without `q` this is listIncidents: same order and cursor.
 */
export async function searchIncidents(db: Queryable, f: IncidentSearch) {
  if (!f.q) return listIncidents(db, f as Parameters<typeof listIncidents>[1]);
  const w = new Where();
  w.and(
    `(id = ${w.p(f.q)} OR title ILIKE ${w.p(containsPattern(f.q))}
      OR id IN (SELECT incident_id FROM incident_keys WHERE key = ANY(${w.p(keysFor(f.q))}::text[])))`,
  );
  if (f.status) w.and(`status = ${w.p(f.status)}`);
  if (f.severity) w.and(`severity = ${w.p(f.severity)}`);
  if (f.cursor) {
    const [seen, id] = decodeCursor(f.cursor, ['number', 'string'] as const);
    w.and(`(last_seen_at, id) < (${w.p(seen)}::bigint, ${w.p(id)})`);
  }
  const { rows } = await db.query(
    `SELECT ${COLUMNS} FROM incidents ${w} ORDER BY last_seen_at DESC, id DESC LIMIT ${w.p(f.limit + 1)}`,
    w.params,
  );
  const items = rows.slice(0, f.limit).map(toIncident);
  const last = items[items.length - 1];
  return {
    items,
    nextCursor: rows.length > f.limit && last ? encodeCursor([last.lastSeenAt ?? 0, last.id]) : null,
  };
}
