import type { Queryable } from '../db/db.ts';
import type { HostUptime, KpiReport, KpiWindow } from './kpi-types.ts';

/**
 * Heartbeat coverage per agent, computed in the database: each heartbeat at time `at` says "alive" until the next
 * heartbeat or `staleAfterMs` later, whichever is first, clipped to the window. Heartbeats from up to staleAfterMs
 * before `from` count for the part they cover inside. The observed span starts when the agent was first known
 * (min of first heartbeat and enrollment; re-enrollment resets enrolled_at, so the earlier value is used).
 */
export async function uptimeKpis(db: Queryable, w: KpiWindow, staleAfterMs: number): Promise<KpiReport['uptime']> {
  const { rows } = await db.query<{
    id: string;
    hostname: string;
    status: string;
    observed: number;
    live: number;
  }>(
    `WITH hb AS (
       SELECT agent_id, at, lead(at) OVER (PARTITION BY agent_id ORDER BY at) AS next_at
       FROM heartbeats WHERE at >= $1::bigint - $3::bigint AND at < $2::bigint),
     cover AS (
       SELECT agent_id,
         sum(GREATEST(LEAST(coalesce(next_at, $2::bigint), at + $3::bigint, $2::bigint) - GREATEST(at, $1::bigint), 0))
           AS live
       FROM hb GROUP BY agent_id)
     SELECT g.id, g.hostname, g.status,
       GREATEST($2::bigint - GREATEST($1::bigint, LEAST(g.enrolled_at, coalesce(g.first_heartbeat_at, g.enrolled_at))), 0)
         AS observed,
       coalesce(c.live, 0) AS live
     FROM agents g LEFT JOIN cover c ON c.agent_id = g.id
     WHERE LEAST(g.enrolled_at, coalesce(g.first_heartbeat_at, g.enrolled_at)) < $2::bigint`,
    [w.from, w.to, staleAfterMs],
  );
  const hosts: HostUptime[] = rows.map((r) => {
    const observedMs = Number(r.observed);
    const liveMs = Math.min(Number(r.live), observedMs);
    return {
      agentId: r.id,
      hostname: r.hostname,
      status: r.status,
      observedMs,
      liveMs,
      uptime: observedMs > 0 ? liveMs / observedMs : null,
    };
  });
  hosts.sort((a, b) => (a.uptime ?? 2) - (b.uptime ?? 2) || a.hostname.localeCompare(b.hostname));
  const known = hosts.filter((h) => h.uptime !== null);
  const fleetMean = known.length ? known.reduce((s, h) => s + (h.uptime ?? 0), 0) / known.length : null;
  return { staleAfterMs, fleetMean, hosts };
}
