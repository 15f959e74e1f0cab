import type { Queryable } from '../db/db.ts';
import { decodeCursor, encodeCursor, Where } from '../store/sql.ts';
import { hostCountsSince } from './anomaly-counts.ts';

export const FLEET_SORTS = ['hostname', 'anomalies', 'seen'] as const;
export type FleetSort = (typeof FLEET_SORTS)[number];
export type Health = 'live' | 'stale' | 'never' | 'revoked';
const DAY_MS = 86_400_000;

export interface FleetQuery {
  q?: string;
  status?: 'active' | 'stale' | 'revoked';
  region?: string;
  sort: FleetSort;
  dir: 'asc' | 'desc';
  limit: number;
  cursor?: string;
}

export interface FleetHost {
  id: string;
  hostname: string;
  instanceId: string;
  status: string;
  health: Health;
  lastHeartbeatAt: number | null;
  agentVersion: string | null;
  modelVersion: string | null;
  region: string | null;
  az: string | null;
  instanceType: string | null;
  channel: string;
  anomalies24h: number;
}

interface Row {
  id: string;
  hostname: string;
  instance_id: string;
  status: string;
  last_heartbeat_at: number | null;
  agent_version: string | null;
  model_version: string | null;
  region: string | null;
  az: string | null;
  instance_type: string | null;
  channel: string | null;
  n: number | null;
  k: number | string;
}

/** `live` needs both the stored status and a heartbeat inside the staleness window (the stale job runs periodically). */
export function healthOf(status: string, lastHeartbeatAt: number | null, now: number, staleMs: number): Health {
  if (status === 'revoked') return 'revoked';
  if (lastHeartbeatAt === null) return 'never';
  return status === 'active' && lastHeartbeatAt >= now - staleMs ? 'live' : 'stale';
}

/** A LIKE pattern that matches `q` literally anywhere: %, _ and \ in the input are escaped. */
export const containsPattern = (q: string) => `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

function filters(w: Where, f: FleetQuery): void {
  if (f.status) w.and(`a.status = ${w.p(f.status)}`);
  if (f.region) w.and(`a.region = ${w.p(f.region)}`);
  if (f.q) {
    const p = w.p(containsPattern(f.q));
    w.and(`(a.hostname ILIKE ${p} OR a.instance_id ILIKE ${p} OR a.id = ${w.p(f.q)})`);
  }
}

const SORT_KEY: Record<FleetSort, string> = {
  hostname: "''",
  anomalies: 'coalesce(c.n, 0)',
  seen: 'coalesce(a.last_heartbeat_at, 0)',
};

/**
 * One page of the fleet with each host's anomaly count over the last 24 h. Keyset pagination on (sort key,
 * hostname, id). Sorting by hostname or heartbeat counts anomalies for the page's hosts only (anomalies_host_ts);
 * sorting by anomalies must count every host's last 24 h first: the hourly rollup's host rows for the whole
 * hours, plus the anomalies of the partial first hour (see hostCountsSince). Both give the same exact counts.
 */
export async function fleetPage(db: Queryable, f: FleetQuery, now: number, staleMs: number) {
  const w = new Where();
  const since = now - DAY_MS;
  filters(w, f);
  const key = SORT_KEY[f.sort];
  const numeric = f.sort !== 'hostname';
  if (f.cursor) {
    const [k, host, id] = numeric
      ? decodeCursor(f.cursor, ['number', 'string', 'string'] as const)
      : ['', ...decodeCursor(f.cursor, ['string', 'string'] as const)];
    const op = f.dir === 'asc' ? '>' : '<';
    w.and(`(${key}, a.hostname, a.id) ${op} (${numeric ? `${w.p(k)}::bigint` : "''"}, ${w.p(host)}, ${w.p(id)})`);
  }
  const dir = f.dir === 'asc' ? 'ASC' : 'DESC';
  const order = (t: string) => `ORDER BY k ${dir}, ${t}.hostname ${dir}, ${t}.id ${dir}`;
  const columns = `a.id, a.hostname, a.instance_id, a.status, a.last_heartbeat_at, a.agent_version, a.model_version,
      a.region, a.az, a.instance_type, ch.channel, ${key} AS k`;
  const from = 'agents a LEFT JOIN agent_channels ch ON ch.agent_id = a.id';
  const limit = w.p(f.limit + 1);
  const sql =
    f.sort === 'anomalies'
      ? `SELECT ${columns}, c.n FROM ${from}
           LEFT JOIN (${hostCountsSince(since, (v) => w.p(v))}) c ON c.host = a.hostname
         ${w} ${order('a')} LIMIT ${limit}`
      : // the LATERAL count runs after ORDER BY + LIMIT, so only for the page's rows
        `SELECT p.*, c.n FROM (SELECT ${columns} FROM ${from} ${w} ${order('a')} LIMIT ${limit}) p
           LEFT JOIN LATERAL (SELECT count(*)::int AS n FROM anomalies x
                              WHERE x.host = p.hostname AND x.ts >= ${w.p(since)}) c ON TRUE
         ${order('p')}`;
  const { rows } = await db.query<Row>(sql, w.params);
  const page = rows.slice(0, f.limit);
  const last = page[page.length - 1];
  const items: FleetHost[] = page.map((r) => ({
    id: r.id,
    hostname: r.hostname,
    instanceId: r.instance_id,
    status: r.status,
    health: healthOf(r.status, r.last_heartbeat_at, now, staleMs),
    lastHeartbeatAt: r.last_heartbeat_at,
    agentVersion: r.agent_version,
    modelVersion: r.model_version,
    region: r.region,
    az: r.az,
    instanceType: r.instance_type,
    channel: r.channel ?? 'stable',
    anomalies24h: r.n ?? 0,
  }));
  const nextCursor =
    rows.length > f.limit && last
      ? encodeCursor(numeric ? [Number(last.k), last.hostname, last.id] : [last.hostname, last.id])
      : null;
  return { items, nextCursor };
}

/** How many hosts match the filters, and the status and region breakdown of the whole fleet (for the filter UI). */
export async function fleetSummary(db: Queryable, f: Pick<FleetQuery, 'q' | 'status' | 'region'>) {
  const w = new Where();
  filters(w, { ...f, sort: 'hostname', dir: 'asc', limit: 0 });
  const [matching, byStatus, byRegion] = await Promise.all([
    db.query<{ n: number }>(`SELECT count(*)::int AS n FROM agents a ${w}`, w.params),
    db.query<{ status: string; n: number }>('SELECT status, count(*)::int AS n FROM agents GROUP BY status'),
    db.query<{ region: string | null; n: number }>(
      'SELECT region, count(*)::int AS n FROM agents GROUP BY region ORDER BY region NULLS LAST LIMIT 200',
    ),
  ]);
  return {
    matching: matching.rows[0]?.n ?? 0,
    byStatus: Object.fromEntries(byStatus.rows.map((r) => [r.status, r.n])),
    regions: byRegion.rows.filter((r) => r.region !== null).map((r) => ({ region: r.region as string, hosts: r.n })),
  };
}
