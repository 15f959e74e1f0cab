import fc from 'fast-check';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ANOMALY_TYPES, type Anomaly, LOG_SOURCES } from '../../../models/src/schema/index.ts';
import { dbBackends, type TestDb, truncateAll } from '../../../test/support/pg.ts';
import type { RetentionConfig } from '../config/schema.ts';
import type { Queryable } from '../db/db.ts';
import { applyMigrations } from '../db/migrate.ts';
import { MIGRATIONS } from '../db/migrations/index.ts';
import { insertAnomalies } from '../store/anomalies.ts';
import { enforceRetention, RETENTION_RULES } from '../store/retention.ts';
import { anomaly, T0 } from '../testing/harness.ts';
import { ceilHour, floorHour, HOUR_MS } from './anomaly-counts.ts';
import { fleetPage } from './fleet-store.ts';
import { anomalyTimeline } from './timeline.ts';

const backends = await dbBackends();
const DAY = 86_400_000;

/** Rows where anomaly_counts_hourly differs from a count(*) over anomalies (0 when the rollup is exact). */
async function drift(db: Queryable): Promise<number> {
  const { rows } = await db.query<{ bad: number }>(
    `SELECT count(*)::int AS bad FROM (
       SELECT d.dim, a.ts - mod(a.ts, 3600000) AS hour, d.name, count(*) AS n
       FROM anomalies a CROSS JOIN LATERAL (VALUES ('type', a.type), ('source', a.source), ('host', a.host)) d (dim, name)
       WHERE d.name IS NOT NULL GROUP BY 1, 2, 3) r
     FULL JOIN anomaly_counts_hourly c USING (dim, hour, name)
     WHERE r.n IS DISTINCT FROM c.n`,
  );
  return rows[0].bad;
}

const at = (id: string, ts: number, over: Partial<Anomaly> = {}) =>
  anomaly(id, { window: { start: ts, end: ts + 300_000 }, detectedAt: ts + 301_000, ...over });

const keepOnly = (anomaliesDays: number) =>
  Object.fromEntries(
    Object.keys(RETENTION_RULES).map((k) => [k, k === 'anomalies' ? anomaliesDays : 0]),
  ) as RetentionConfig;

describe.each(backends)('hourly anomaly counts on $name', (backend) => {
  let t: TestDb;
  beforeAll(async () => {
    t = await backend.open();
  });
  beforeEach(() => truncateAll(t.db));
  afterAll(() => t.cleanup());

  it('backfills what was stored before the migration', async () => {
    const fresh = await backend.open({ migrate: false });
    try {
      const rollup = MIGRATIONS.find((m) => m.name === 'anomaly-rollup');
      await applyMigrations(
        fresh.db,
        MIGRATIONS.filter((m) => m.version < (rollup?.version ?? 0)),
      );
      await insertAnomalies(fresh.db, 'agt_1', null, 'web-1', [at('a', T0), at('b', T0 + 10), at('c', T0 - 1)], T0);
      await insertAnomalies(fresh.db, 'cloud:vpc', null, null, [at('v', T0, { source: 'vpc', type: 'ddos' })], T0);
      await applyMigrations(fresh.db);
      expect(await drift(fresh.db)).toBe(0);
      const { rows } = await fresh.db.query(
        "SELECT hour, n FROM anomaly_counts_hourly WHERE dim = 'host' AND name = 'web-1' ORDER BY hour",
      );
      expect(rows).toEqual([
        { hour: T0 - HOUR_MS, n: 1 },
        { hour: T0, n: 2 },
      ]);
    } finally {
      await fresh.cleanup();
    }
  });

  it('counts a re-sent anomaly once and an anomaly without a host by type and source only', async () => {
    const batch = [at('a', T0), at('b', T0 + 5), at('a', T0)];
    expect((await insertAnomalies(t.db, 'agt_1', null, 'web-1', batch, T0)).size).toBe(2);
    expect((await insertAnomalies(t.db, 'agt_1', null, 'web-1', batch, T0)).size).toBe(0);
    await insertAnomalies(t.db, 'cloud:s3', null, null, [at('s', T0, { type: 's3_mass_delete', source: 's3' })], T0);
    const { rows } = await t.db.query(
      'SELECT dim, name, n FROM anomaly_counts_hourly WHERE hour = $1 ORDER BY dim, name',
      [T0],
    );
    expect(rows).toEqual([
      { dim: 'host', name: 'web-1', n: 2 },
      { dim: 'source', name: 'ec2.auth', n: 2 },
      { dim: 'source', name: 's3', n: 1 },
      { dim: 'type', name: 's3_mass_delete', n: 1 },
      { dim: 'type', name: 'ssh_brute_force', n: 2 },
    ]);
  });

  it('subtracts what retention deletes and drops hours that fall to zero', async () => {
    const now = T0 + 10 * DAY;
    await insertAnomalies(t.db, 'agt_1', null, 'web-1', [at('old', T0), at('new', now - HOUR_MS)], now);
    expect(await enforceRetention(t.db, keepOnly(2), now)).toMatchObject({ anomalies: 1 });
    expect(await drift(t.db)).toBe(0);
    expect((await t.db.query('SELECT 1 FROM anomaly_counts_hourly WHERE hour = $1', [T0])).rows).toEqual([]);
  });

  it('stays exact under any mix of batches, re-sends and retention (property)', async () => {
    const item = fc.record({
      id: fc.integer({ min: 0, max: 40 }),
      minute: fc.integer({ min: 0, max: 6 * 60 }),
      type: fc.constantFrom(...ANOMALY_TYPES.slice(0, 3)),
      source: fc.constantFrom(...LOG_SOURCES.slice(0, 2)),
      host: fc.constantFrom('web-1', 'web-2', null),
    });
    const step = fc.oneof(
      fc.record({
        kind: fc.constant('batch' as const),
        origin: fc.constantFrom('agt_1', 'agt_2'),
        items: fc.array(item, { maxLength: 12 }),
      }),
      fc.record({ kind: fc.constant('retention' as const), hoursKept: fc.integer({ min: 0, max: 6 }) }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 6 }), async (steps) => {
        await truncateAll(t.db);
        for (const s of steps) {
          if (s.kind === 'retention') {
            // retention is in days; move "now" so that the cutoff lands on the wanted minute
            await enforceRetention(t.db, keepOnly(1), T0 + (6 - s.hoursKept) * HOUR_MS + DAY);
            continue;
          }
          const items = s.items.map((x) =>
            at(`x${x.id}`, T0 + x.minute * 60_000, { type: x.type, source: x.source, host: x.host ?? undefined }),
          );
          await insertAnomalies(t.db, s.origin, null, null, items, T0);
        }
        expect(await drift(t.db)).toBe(0);
      }),
      { numRuns: 12 },
    );
  });

  it('answers the timeline from whole hours plus a partial last hour, equal to counting the anomalies', async () => {
    const minutes = [0, 59, 60, 61, 130, 179, 180, 200, 239];
    const items = minutes.map((m, i) => at(`t${i}`, T0 + m * 60_000, { type: i % 2 ? 'ddos' : 'port_scan' }));
    await insertAnomalies(t.db, 'agt_1', null, 'web-1', items, T0);
    const to = T0 + 200 * 60_000 + 1; // mid-hour: the last 20 min come from the anomalies
    const viaRollup = await anomalyTimeline(t.db, { from: T0, to, bucketMs: 2 * HOUR_MS, by: 'type' });
    const viaScan = await anomalyTimeline(t.db, { from: T0, to, bucketMs: 2 * HOUR_MS, by: 'type', host: 'web-1' });
    expect(viaRollup.series).toEqual(viaScan.series);
    // without the partial hour this would be [2, 1] each; rounding `to` up to the hour would give port_scan [2, 3]
    expect(viaRollup.series.map((s) => [s.name, s.counts])).toEqual([
      ['ddos', [2, 2]],
      ['port_scan', [2, 2]],
    ]);
  });

  it('sorts the fleet by exact 24 h counts when the window starts mid-hour', async () => {
    const now = T0 + DAY + 25 * 60_000;
    const since = now - DAY;
    expect(ceilHour(since)).not.toBe(since);
    for (const [i, host] of ['web-1', 'web-2', 'web-3'].entries()) {
      await t.db.query(
        `INSERT INTO agents (id, instance_id, hostname, status, enrolled_at) VALUES ($1, $2, $3, 'active', 0)`,
        [`agt_${i}`, `i-${i}`, host],
      );
    }
    // web-1: 2 inside the partial first hour, 1 just before the window; web-2: 3 in whole hours; web-3: none
    const items = [
      at('p1', since, { host: 'web-1' }),
      at('p2', ceilHour(since) - 1, { host: 'web-1' }),
      at('p0', since - 1, { host: 'web-1' }),
      ...[1, 2, 3].map((h) => at(`w${h}`, floorHour(now) - h * HOUR_MS, { host: 'web-2' })),
    ];
    await insertAnomalies(t.db, 'agt_1', null, null, items, now);
    const counts = async (sort: 'anomalies' | 'hostname') =>
      (await fleetPage(t.db, { sort, dir: sort === 'hostname' ? 'asc' : 'desc', limit: 10 }, now, 60_000)).items.map(
        (h) => [h.hostname, h.anomalies24h],
      );
    expect(await counts('anomalies')).toEqual([
      ['web-2', 3],
      ['web-1', 2],
      ['web-3', 0],
    ]);
    expect(await counts('hostname')).toEqual([
      ['web-1', 2],
      ['web-2', 3],
      ['web-3', 0],
    ]);
  });
});
