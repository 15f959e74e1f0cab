import type { AnomalyType, Label, LogEvent } from '../../schema/index.ts';
import { type AlarmEpisode, overlaps, seriesCoversLabel, toEpisodes } from './episodes.ts';
import { GuardedForecaster } from './guard.ts';
import { ProphetForecaster } from './prophet.ts';
import { type CostSummary, type SeriesCost, summarizeCost, type WalkForwardConfig, walkForward } from './rolling.ts';
import { DEFAULT_RULE, type RuleConfig } from './rule.ts';
import { SeasonalNaiveForecaster } from './seasonal-naive.ts';
import { SeriesBuilder } from './series.ts';
import { type ForecastRecord, HOUR_MS, type KeyedSeries, type Metric, type Scope, WEEK_MS } from './types.ts';

export interface ForecastEvalOptions {
  stepMs: number;
  topUsers: number;
  metrics: Metric[];
  walk: WalkForwardConfig;
  rule: RuleConfig;
  /** Series fitted with (guarded) Prophet; all others use seasonal-naive. Empty = seasonal-naive only. */
  prophet: { scopes: Scope[]; metrics: Metric[] };
  /** Only buckets at or after this epoch ms are scored (e.g. the later fold); models still train on earlier data. */
  scoreFrom?: number;
  log?: (msg: string) => void;
}

export const DEFAULT_EVAL: ForecastEvalOptions = {
  stepMs: HOUR_MS,
  topUsers: 32,
  metrics: ['count', 'errors', 'bytes', 'durationMean', 'memRatioMax'],
  walk: {
    trainWindow: 4 * 168,
    minTrain: 2 * 168,
    retrainEvery: 24,
    fit: { seasonality: { daily: true, weekly: true }, intervalWidth: 0.999 },
  },
  rule: DEFAULT_RULE,
  prophet: { scopes: [], metrics: [] },
};

export interface TypeRecall {
  incidents: number;
  caught: number;
  incidentRecall: number;
  /** The generator's "low and slow" variant (a few events spread over a day or more), counted separately. */
  lowAndSlow: { incidents: number; caught: number };
}

export interface ForecastEvalReport {
  series: number;
  seriesWeeks: number;
  scoredBuckets: number;
  alarms: number;
  falseAlarms: number;
  falseAlarmsPerSeriesWeek: number;
  /** Alarm episodes that overlap a label the series can see, over all episodes. */
  alarmPrecision: number;
  /** The two types this detector is meant for; `byType` has every type for context. */
  accountSpike: TypeRecall;
  behaviorChange: TypeRecall;
  byType: Partial<Record<AnomalyType, TypeRecall>>;
  /** Incidents that ended before the first scored bucket (no model could have seen them). */
  unscorableIncidents: number;
  cost: CostSummary[];
  guard: { fits: number; fitFailures: number; rejectedForecasts: number };
  falseAlarmsBySeries: Record<string, number>;
}

function guardsFor(opts: ForecastEvalOptions) {
  const log = opts.log ?? (() => {});
  const naive = new GuardedForecaster(new SeasonalNaiveForecaster(), log);
  const wantsProphet = opts.prophet.scopes.length > 0 && opts.prophet.metrics.length > 0;
  const prophet = wantsProphet ? new GuardedForecaster(new ProphetForecaster(), log) : null;
  const pick = (s: KeyedSeries) =>
    prophet && opts.prophet.scopes.includes(s.scope) && opts.prophet.metrics.includes(s.metric) ? prophet : naive;
  return { naive, prophet, pick };
}

/** Builds the series, walks every one forward in time order and matches alarm episodes to labelled incidents. */
export function evaluateForecastDetector(
  events: Iterable<LogEvent>,
  labels: Label[],
  partial: Partial<ForecastEvalOptions> = {},
): ForecastEvalReport {
  const opts: ForecastEvalOptions = { ...DEFAULT_EVAL, ...partial };
  const builder = new SeriesBuilder({ stepMs: opts.stepMs, topUsers: opts.topUsers, maxTrackedUsers: 4096 });
  for (const e of events) builder.add(e);
  const series = builder.build(opts.metrics);
  const { naive, prophet, pick } = guardsFor(opts);
  const anomalous: ForecastRecord[] = [];
  const costs: { naive: SeriesCost[]; prophet: SeriesCost[] } = { naive: [], prophet: [] };
  let scored = 0;
  let firstScored = Number.POSITIVE_INFINITY;
  const scoreFrom = opts.scoreFrom ?? Number.NEGATIVE_INFINITY;
  for (const s of series) {
    const g = pick(s);
    const cost = walkForward(s, g, opts.walk, opts.rule, (r) => {
      if (r.start < scoreFrom) return;
      scored++;
      firstScored = Math.min(firstScored, r.start);
      if (r.anomalous) anomalous.push(r);
    });
    (g === naive ? costs.naive : costs.prophet).push(cost);
  }
  const episodes = toEpisodes(anomalous);
  const bySeries = new Map(series.map((s) => [s.key, s]));
  const span = series.length ? series[0].start + series[0].values.length * series[0].stepMs - firstScored : 0;
  const seriesWeeks = (series.length * Math.max(0, span)) / WEEK_MS;
  const matched = matchIncidents(episodes, labels, bySeries, firstScored);
  const falseBySeries: Record<string, number> = {};
  for (const ep of matched.falseEpisodes) falseBySeries[ep.seriesKey] = (falseBySeries[ep.seriesKey] ?? 0) + 1;
  const yearBuckets = (365 * 86_400_000) / opts.stepMs;
  const guardStats = [naive, prophet].filter((g) => g !== null).map((g) => (g as GuardedForecaster).stats);
  const empty: TypeRecall = {
    incidents: 0,
    caught: 0,
    incidentRecall: Number.NaN,
    lowAndSlow: { incidents: 0, caught: 0 },
  };
  return {
    series: series.length,
    seriesWeeks,
    scoredBuckets: scored,
    alarms: episodes.length,
    falseAlarms: matched.falseEpisodes.length,
    falseAlarmsPerSeriesWeek: seriesWeeks ? matched.falseEpisodes.length / seriesWeeks : Number.NaN,
    alarmPrecision: episodes.length ? 1 - matched.falseEpisodes.length / episodes.length : Number.NaN,
    accountSpike: matched.byType.account_spike ?? empty,
    behaviorChange: matched.byType.behavior_change ?? empty,
    byType: matched.byType,
    unscorableIncidents: matched.unscorable,
    cost: [costs.naive, costs.prophet]
      .filter((c) => c.length > 0)
      .map((c) => summarizeCost(c, yearBuckets, opts.walk.retrainEvery)),
    guard: {
      fits: guardStats.reduce((a, s) => a + s.fits, 0),
      fitFailures: guardStats.reduce((a, s) => a + s.fitFailures, 0),
      rejectedForecasts: guardStats.reduce((a, s) => a + s.rejectedForecasts, 0),
    },
    falseAlarmsBySeries: falseBySeries,
  };
}

function matchIncidents(
  episodes: AlarmEpisode[],
  labels: Label[],
  bySeries: Map<string, KeyedSeries>,
  firstScored: number,
) {
  const incidents = new Map<string, Label[]>();
  for (const l of labels) incidents.set(l.incident, [...(incidents.get(l.incident) ?? []), l]);
  const explained = new Set<AlarmEpisode>();
  const byType: Partial<Record<AnomalyType, TypeRecall>> = {};
  let unscorable = 0;
  for (const group of incidents.values()) {
    if (group.every((l) => l.end <= firstScored)) {
      unscorable++;
      continue;
    }
    let caught = false;
    for (const ep of episodes) {
      const s = bySeries.get(ep.seriesKey);
      if (!s) continue;
      if (group.some((l) => overlaps(ep, l) && seriesCoversLabel(s, l))) {
        caught = true;
        explained.add(ep);
      }
    }
    const t = (byType[group[0].type] ??= {
      incidents: 0,
      caught: 0,
      incidentRecall: 0,
      lowAndSlow: { incidents: 0, caught: 0 },
    });
    t.incidents++;
    if (caught) t.caught++;
    if (group[0].variant === 'low_and_slow') {
      t.lowAndSlow.incidents++;
      if (caught) t.lowAndSlow.caught++;
    }
    t.incidentRecall = t.caught / t.incidents;
  }
  return { byType, unscorable, falseEpisodes: episodes.filter((e) => !explained.has(e)) };
}
