import { createHash } from 'node:crypto';
import type { Anomaly, LogEvent } from '../../../models/src/schema/index.ts';
import type { Queryable } from '../db/db.ts';

const MAX_FIELD = 256;
const MAX_PRINCIPALS_CACHED = 50_000;

/**
 * Operations from a region a principal never used: keeps each principal's region set (principal_regions, cached),
 * and turns the first use of a new region by a principal that already has history into a rule anomaly. The first
 * region a principal is seen in is its baseline, not an alert.
 */
export class RegionRule {
  private readonly cache = new Map<string, Set<string>>();

  constructor(private readonly db: Queryable) {}

  async observe(events: readonly LogEvent[], now: number): Promise<Anomaly[]> {
    const out: Anomaly[] = [];
    const fresh: [string, string, number][] = [];
    for (const e of events) {
      if (e.source !== 'cloudtrail' || !e.principal || !e.region) continue;
      const principal = e.principal.slice(0, MAX_FIELD);
      const region = e.region.slice(0, 64);
      const known = await this.regionsOf(principal);
      if (known.has(region)) continue;
      if (known.size > 0) out.push(regionAnomaly(e, principal, region, [...known], now));
      known.add(region);
      fresh.push([principal, region, e.ts]);
    }
    if (fresh.length > 0) {
      await this.db.query(
        `INSERT INTO principal_regions (principal, region, first_seen_at)
         SELECT * FROM unnest($1::text[], $2::text[], $3::float8[]) ON CONFLICT DO NOTHING`,
        [fresh.map((f) => f[0]), fresh.map((f) => f[1]), fresh.map((f) => Math.round(f[2]))],
      );
    }
    return out;
  }

  private async regionsOf(principal: string): Promise<Set<string>> {
    let set = this.cache.get(principal);
    if (set) return set;
    const { rows } = await this.db.query<{ region: string }>(
      'SELECT region FROM principal_regions WHERE principal = $1',
      [principal],
    );
    if (this.cache.size >= MAX_PRINCIPALS_CACHED) this.cache.delete(this.cache.keys().next().value!);
    set = new Set(rows.map((r) => r.region));
    this.cache.set(principal, set);
    return set;
  }
}

function regionAnomaly(e: LogEvent, principal: string, region: string, known: string[], now: number): Anomaly {
  const id = createHash('sha256').update(`${principal}\u0000${region}`).digest('hex').slice(0, 40);
  return {
    id: `rg_${id}`,
    type: 'unusual_region',
    entity: { kind: 'user', id: principal },
    source: 'cloudtrail',
    window: { start: e.ts, end: e.ts + 1 },
    score: 1,
    threshold: 1,
    model: 'rule',
    severity: 'high',
    evidence: {
      topFeatures: [{ name: 'known_regions', value: known.length, contribution: 1 }],
      lines: [e.raw.slice(0, 8192)],
      targets: { principal, region, knownRegions: known.slice(0, 16).join(','), action: e.action.slice(0, MAX_FIELD) },
    },
    detectedAt: now,
  };
}
