import type { LogSource } from '../../../models/src/schema/index.ts';
import { GuardedForecaster } from '../../../models/src/train/forecast/guard.ts';
import { minAbsFor, scoreBucket } from '../../../models/src/train/forecast/rule.ts';
import { SeasonalNaiveForecaster } from '../../../models/src/train/forecast/seasonal-naive.ts';
import {
  type FitOptions,
  type Forecaster,
  type ForecastRecord,
  HOUR_MS,
} from '../../../models/src/train/forecast/types.ts';
import type { Db } from '../db/db.ts';
import type { FleetCorrelator } from '../detect/correlator.ts';
import { cloudOrigin, storeCloudAnomalies } from '../detect/store.ts';
import type { Job } from '../jobs.ts';
import { EventCountTally } from './counts.ts';
import type { AccountSpikeOptions } from './options.ts';
import { type AccountSeries, loadAccountSeries, type SeriesWindow } from './series-store.ts';
import { FORECAST_STREAM, spikeAnomaly } from './spike-anomaly.ts';

export interface SpikeRunStats {
  at: number;
  /** Buckets starting before this are closed (judged or judgeable). */
  closedThrough: number;
  accounts: number;
  series: number;
  bucketsJudged: number;
  /** Unjudged buckets older than maxCatchUpHours that were skipped (job down, or backfilled history). */
  bucketsSkipped: number;
  fits: number;
  fitMs: number;
  predictMs: number;
  /** Forecasts the guard replaced with seasonal-naive (NaN/Inf, explosion, failed fit). */
  guardFallbacks: number;
  flagged: number;
  newAnomalies: number;
  incidents: number;
  /** Count rows that were not finite non-negative numbers (never expected; counted, not judged). */
  badRows: number;
}

export interface AccountSpikeDeps {
  correlator: FleetCorrelator;
  onIncidents(ids: string[]): void;
  log(msg: string): void;
  /** Primary forecaster override (tests); default from options.model. Always wrapped by the guard. */
  forecaster?: Forecaster;
}

/**
 * Account-wide spikes: keeps hourly event counts per account and per service from cloud ingest (`tally`), and on
 * every run judges each newly closed hour against a forecast fitted on the weeks before it (seasonal-naive by
 * default, Prophet optional, both through the NaN/Inf guard), with the forecast package's rule: outside the
 * prediction interval AND at least `minAbsDeviation` above the forecast. Flagged hours become `account_spike`
 * anomalies stored like every cloud anomaly (origin cloud:forecast) and correlated into incidents.
 */
export class AccountSpikeDetector {
  readonly tally: EventCountTally;
  last: SpikeRunStats | null = null;
  private readonly guard: GuardedForecaster;
  private readonly fit: FitOptions;

  private constructor(
    private readonly db: Db,
    private readonly o: AccountSpikeOptions,
    private readonly deps: AccountSpikeDeps,
    primary: Forecaster,
  ) {
    this.tally = new EventCountTally(db, o);
    this.guard = new GuardedForecaster(primary, deps.log);
    this.fit = { seasonality: { daily: true, weekly: true }, intervalWidth: o.intervalWidth };
  }

  static async create(db: Db, o: AccountSpikeOptions, deps: AccountSpikeDeps): Promise<AccountSpikeDetector> {
    let primary = deps.forecaster;
    if (!primary && o.model === 'prophet') {
      const { ProphetForecaster } = await import('../../../models/src/train/forecast/prophet.ts');
      primary = new ProphetForecaster();
    }
    return new AccountSpikeDetector(db, o, deps, primary ?? new SeasonalNaiveForecaster());
  }

  job(clock: () => number): Job {
    return { name: 'account-spike-forecast', intervalMs: this.o.intervalSeconds * 1000, run: () => this.run(clock()) };
  }

  async run(now: number): Promise<SpikeRunStats> {
    const closedEnd = Math.floor((now - this.o.settleMinutes * 60_000) / HOUR_MS) * HOUR_MS;
    const w: SeriesWindow = {
      from: closedEnd - (this.o.trainDays * 24 + this.o.maxCatchUpHours) * HOUR_MS,
      to: closedEnd,
      stepMs: HOUR_MS,
    };
    const stats: SpikeRunStats = {
      at: now,
      closedThrough: closedEnd,
      accounts: 0,
      series: 0,
      bucketsJudged: 0,
      bucketsSkipped: 0,
      fits: 0,
      fitMs: 0,
      predictMs: 0,
      guardFallbacks: 0,
      flagged: 0,
      newAnomalies: 0,
      incidents: 0,
      badRows: 0,
    };
    // Older counts can no longer be training data for any bucket this job will judge.
    await this.db.query('DELETE FROM cloud_event_counts WHERE bucket_start < $1', [w.from - 24 * HOUR_MS]);
    const { rows } = await this.db.query<{ account: string }>(
      'SELECT DISTINCT account FROM cloud_event_counts WHERE bucket_start >= $1 AND bucket_start < $2 ORDER BY account',
      [w.from, w.to],
    );
    for (const { account } of rows) {
      stats.accounts++;
      await this.runAccount(await loadAccountSeries(this.db, account, w), w, now, stats);
    }
    this.last = stats;
    return stats;
  }

  private async runAccount(a: AccountSeries, w: SeriesWindow, now: number, stats: SpikeRunStats): Promise<void> {
    stats.badRows += a.badRows;
    const states = await this.states(a.series.map((s) => s.key));
    const anomalies = [];
    const judged: [string, number][] = [];
    for (const s of a.series) {
      stats.series++;
      const flagged = this.judge(s, w, states.get(s.key), stats);
      for (const r of flagged) {
        const i = (r.start - w.from) / w.stepMs;
        const bySource = Object.fromEntries(
          [...a.bySource].map(([src, v]) => [src, v[i]]).filter(([, n]) => Number(n) > 0),
        );
        const top = Object.entries(bySource).sort((x, y) => Number(y[1]) - Number(x[1]))[0]?.[0];
        const source = (s.source ?? top ?? 'cloudtrail') as LogSource;
        anomalies.push(spikeAnomaly(r, { account: a.account, scope: s.scope, source, bySource, now }));
      }
      stats.flagged += flagged.length;
      judged.push([s.key, w.to]);
    }
    const fresh = await storeCloudAnomalies(this.db, FORECAST_STREAM, anomalies, now);
    stats.newAnomalies += fresh.size;
    if (fresh.size > 0) {
      const ids = [...new Set(await this.deps.correlator.correlate(cloudOrigin(FORECAST_STREAM), [...fresh], now))];
      stats.incidents += ids.length;
      this.deps.onIncidents(ids);
    }
    await this.db.query(
      `INSERT INTO forecast_series_state (series_key, scored_through, updated_at)
       SELECT k, t, $3 FROM unnest($1::text[], $2::bigint[]) AS u(k, t)
       ON CONFLICT (series_key) DO UPDATE SET scored_through = EXCLUDED.scored_through, updated_at = EXCLUDED.updated_at`,
      [judged.map((j) => j[0]), judged.map((j) => j[1]), now],
    );
  }

  private async states(keys: string[]): Promise<Map<string, number>> {
    const { rows } = await this.db.query<{ series_key: string; scored_through: number }>(
      'SELECT series_key, scored_through FROM forecast_series_state WHERE series_key = ANY($1::text[])',
      [keys],
    );
    return new Map(rows.map((r) => [r.series_key, Number(r.scored_through)]));
  }

  /** Walk-forward over the unjudged closed buckets of one series: fit on what precedes, forecast, apply the rule. */
  private judge(s: AccountSeries['series'][number], w: SeriesWindow, through: number | undefined, st: SpikeRunStats) {
    const out: ForecastRecord[] = [];
    const step = w.stepMs;
    const n = (w.to - w.from) / step;
    const trainN = this.o.trainDays * 24;
    let i = Math.max(s.first + this.o.minTrainDays * 24, through === undefined ? 0 : (through - w.from) / step);
    const floor = n - this.o.maxCatchUpHours;
    if (i < floor) {
      st.bucketsSkipped += floor - i;
      i = floor;
    }
    const minAbs = minAbsFor(this.o.rule, s.scope, 'count');
    while (i < n) {
      const horizon = Math.min(this.o.retrainEveryHours, n - i);
      const from = Math.max(s.first, i - trainN);
      const train = { start: w.from + from * step, stepMs: step, values: s.values.subarray(from, i) };
      let t0 = performance.now();
      const model = this.guard.fit(train, this.fit, s.key);
      st.fitMs += performance.now() - t0;
      t0 = performance.now();
      const fc = this.guard.predict(model, horizon, s.key);
      st.predictMs += performance.now() - t0;
      this.guard.dispose(model);
      st.fits++;
      if (fc.model !== this.guard.primary.name) st.guardFallbacks++;
      for (let h = 0; h < horizon; h++) {
        const r = scoreBucket(
          { ...s, metric: 'count', stepMs: step },
          fc.points[h],
          s.values[i + h],
          minAbs,
          this.o.rule.direction,
          fc.model,
        );
        st.bucketsJudged++;
        if (r.anomalous) out.push(r);
      }
      i += horizon;
    }
    return out;
  }
}
