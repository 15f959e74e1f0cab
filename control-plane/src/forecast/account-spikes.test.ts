import { afterEach, describe, expect, it } from 'vitest';
import type { LogEvent } from '../../../models/src/schema/index.ts';
import { DEFAULT_RULE } from '../../../models/src/train/forecast/rule.ts';
import { SeasonalNaiveForecaster } from '../../../models/src/train/forecast/seasonal-naive.ts';
import type { Forecaster } from '../../../models/src/train/forecast/types.ts';
import { dbBackends } from '../../../test/support/pg.ts';
import { FleetCorrelator } from '../detect/correlator.ts';
import { type Harness, harness } from '../testing/harness.ts';
import { AccountSpikeDetector } from './account-spikes.ts';
import { addCounts, type CountRow, EventCountTally } from './counts.ts';
import { accountSpikeOptions } from './options.ts';

const [backend] = await dbBackends();
const H = 3_600_000;
const ACCOUNT = '318574629104';
/** The hour the spike is injected in (a Tuesday, 14:00 UTC); the run happens when it has settled. */
const SPIKE = Date.UTC(2025, 2, 4, 14);
const NOW = SPIKE + H + 25 * 60_000;

function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Three weeks of hourly counts with a daily and weekly cycle and ~5% noise, per source, ending at SPIKE. */
function history(spike: Record<string, number>): CountRow[] {
  const r = rng(11);
  const rows: CountRow[] = [];
  const levels: Record<string, number> = { cloudtrail: 120, vpc: 200, lambda: 2 };
  for (let t = SPIKE - 21 * 24 * H; t <= SPIKE; t += H) {
    const hour = new Date(t).getUTCHours();
    const weekend = [0, 6].includes(new Date(t).getUTCDay());
    const daily = 0.4 + 0.6 * Math.max(0, Math.sin(((hour - 6) / 14) * Math.PI));
    for (const [source, base] of Object.entries(levels)) {
      const level = base * daily * (weekend ? 0.3 : 1);
      const noisy = Math.max(0, Math.round(level + (r() + r() + r() - 1.5) * 0.1 * level));
      rows.push({ account: ACCOUNT, source, bucketStart: t, count: noisy + (t === SPIKE ? (spike[source] ?? 0) : 0) });
    }
  }
  return rows;
}

let h: Harness;
let open = false;
afterEach(async () => {
  if (open) await h.close();
  open = false;
});
const openHarness = async () => {
  h = await harness(backend);
  open = true;
};

async function detector(over: Record<string, unknown> = {}, forecaster?: Forecaster) {
  await openHarness();
  const incidents: string[] = [];
  const d = await AccountSpikeDetector.create(h.t.db, accountSpikeOptions(over), {
    correlator: new FleetCorrelator(h.t.db),
    onIncidents: (ids) => incidents.push(...ids),
    log: () => {},
    forecaster,
  });
  return { d, incidents };
}

describe('account-wide spikes from cloud event counts', () => {
  it('flags the hour that leaves the forecast interval, stores it as a cloud anomaly and opens an incident', async () => {
    const { d, incidents } = await detector();
    await addCounts(h.t.db, history({ cloudtrail: 400, lambda: 12 }));
    const stats = await d.run(NOW);
    expect(stats).toMatchObject({ accounts: 1, series: 4, bucketsJudged: 4 * 168, guardFallbacks: 0, badRows: 0 });

    const { rows } = await h.t.db.query<Record<string, unknown>>(
      `SELECT origin, type, entity_kind, entity_id, source, ts, model, evidence->'targets'->>'series' AS series
       FROM anomalies ORDER BY series`,
    );
    const atSpike = rows.filter((r) => Number(r.ts) === SPIKE);
    // the account and its CloudTrail series; the quiet Lambda series left its interval too, but by less than
    // minAbsDeviation (15), so it pages nobody; VPC is normal. The account series is filed under the source that
    // contributed most in that hour.
    expect(atSpike.map((r) => r.series)).toEqual([`account:${ACCOUNT}:count`, `service:${ACCOUNT}:cloudtrail:count`]);
    for (const r of atSpike) {
      expect([r.origin, r.type, r.entity_kind, r.entity_id, r.source, r.model]).toEqual([
        'cloud:forecast',
        'account_spike',
        'account',
        ACCOUNT,
        'cloudtrail',
        'forecast',
      ]);
    }
    // ~5% noise on 2-3 weeks of history: the 0.999 interval lets a rare normal hour through (here one hour, on the
    // account and its VPC series, +35 over the forecast); bounded, not zero
    expect(rows.length - atSpike.length).toBeLessThanOrEqual(2);
    expect(stats.newAnomalies).toBe(rows.length);

    const spikeIncident = await h.t.db.query<{ id: string; kind: string; severity: string; anomaly_count: number }>(
      'SELECT id, kind, severity, anomaly_count FROM incidents WHERE first_seen_at = $1',
      [SPIKE],
    );
    expect(spikeIncident.rows).toEqual([
      { id: expect.any(String), kind: 'account_spike', severity: 'high', anomaly_count: 2 },
    ]);
    expect(incidents).toContain(spikeIncident.rows[0].id);

    // the next run has nothing new to judge, and re-judging could not duplicate (deterministic ids)
    const again = await d.run(NOW + 60_000);
    expect(again).toMatchObject({ bucketsJudged: 0, newAnomalies: 0 });
  });

  it('judges nothing before minTrainDays of history, and skips (and counts) what is older than the catch-up', async () => {
    const { d } = await detector({ minTrainDays: 22 });
    await addCounts(h.t.db, history({ cloudtrail: 400 }));
    expect(await d.run(NOW)).toMatchObject({ bucketsJudged: 0, newAnomalies: 0 });
    await h.close();
    open = false;
    const late = await detector({ maxCatchUpHours: 24 });
    await addCounts(h.t.db, history({}));
    const s = await late.d.run(NOW);
    // 505 hourly buckets of history; the first 336 (14 days) only train, so 169 are judgeable per series: the last
    // 24 are judged, 145 skipped as older than the catch-up
    expect(s.bucketsJudged).toBe(4 * 24);
    expect(s.bucketsSkipped).toBe(4 * 145);
  });

  it('replaces a NaN forecast by seasonal-naive (guard) and honours a smaller minimum deviation', async () => {
    const naive = new SeasonalNaiveForecaster();
    const broken: Forecaster = {
      name: 'prophet',
      fit: (s, o) => naive.fit(s, o),
      predict: (m, n) => naive.predict(m as never, n).map((p, i) => (i === 0 ? { ...p, yhat: Number.NaN } : p)),
    };
    const rule = { ...DEFAULT_RULE, scopeOverrides: { service: { count: 5 } } };
    const { d } = await detector({ rule }, broken);
    await addCounts(h.t.db, history({ cloudtrail: 400, lambda: 12 }));
    const stats = await d.run(NOW);
    expect(stats.guardFallbacks).toBe(stats.fits);
    const { rows } = await h.t.db.query<{ series: string; mv: string }>(
      `SELECT evidence->'targets'->>'series' AS series, model_version AS mv FROM anomalies WHERE ts = $1 ORDER BY 1`,
      [SPIKE],
    );
    expect(rows).toEqual([
      { series: `account:${ACCOUNT}:count`, mv: 'seasonal_naive' },
      { series: `service:${ACCOUNT}:cloudtrail:count`, mv: 'seasonal_naive' },
      { series: `service:${ACCOUNT}:lambda:count`, mv: 'seasonal_naive' },
    ]);
  });
});

describe('event count tally', () => {
  const ev = (ts: number, source: LogEvent['source'], account?: string) => ({ ts, source, account }) as LogEvent;

  it('counts a re-pulled page once, maps malformed accounts to the default and bounds accounts', async () => {
    await openHarness();
    const t = new EventCountTally(h.t.db, { defaultAccount: 'default', maxAccounts: 2 });
    const page = [ev(SPIKE + 1, 'vpc', ACCOUNT), ev(SPIKE + 2, 'vpc', ACCOUNT), ev(SPIKE + H, 'vpc', 'x; DROP')];
    t.stage('vpc', page); // scored, then the commit failed: the page is pulled again
    t.stage('vpc', page);
    await t.commit('vpc');
    t.stage('s3', [ev(SPIKE, 's3'), ev(Number.NaN, 's3'), ev(SPIKE, 's3', '111111111111')]);
    await t.commit('s3');
    await t.commit('s3'); // nothing staged: nothing written
    const { rows } = await h.t.db.query<Record<string, unknown>>(
      'SELECT account, source, bucket_start, count FROM cloud_event_counts ORDER BY source, bucket_start, account',
    );
    expect(rows.map((r) => [r.account, r.source, Number(r.bucket_start), Number(r.count)])).toEqual([
      ['default', 's3', SPIKE, 1],
      [ACCOUNT, 'vpc', SPIKE, 2],
      ['default', 'vpc', SPIKE + H, 1],
    ]);
    expect(t).toMatchObject({ counted: 4, dropped: 2 }); // NaN time, and a third account
  });

  it('refuses bad options naming the key', () => {
    expect(() => accountSpikeOptions({ intervalWidth: 2 })).toThrow(/intervalWidth/);
    expect(() => accountSpikeOptions({ minTrainDays: 30, trainDays: 28 })).toThrow(/minTrainDays/);
    expect(() => accountSpikeOptions({ rule: { ...DEFAULT_RULE, direction: 'down' } })).toThrow(/rule/);
  });
});
