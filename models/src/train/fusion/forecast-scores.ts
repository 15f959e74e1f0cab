import { entityKey } from '../../features/entities.ts';
import type { LogEvent } from '../../schema/index.ts';
import { DEFAULT_EVAL } from '../forecast/evaluate.ts';
import { GuardedForecaster } from '../forecast/guard.ts';
import { walkForward } from '../forecast/rolling.ts';
import { SeasonalNaiveForecaster } from '../forecast/seasonal-naive.ts';
import { SeriesBuilder } from '../forecast/series.ts';
import type { ForecastRecord } from '../forecast/types.ts';
import type { RowSet } from '../rows.ts';

/**
 * Forecast-detector score per feature row. The walk-forward is causal (each fit sees only earlier hours), so every
 * record is an honest out-of-sample judgement. Records alarmed by the rule (interval + minimum deviation) map to
 * (0.5, 1], the rest to [0, 0.5): an alarm always outranks a non-alarm, and below the alarm line the deviation
 * still orders rows. A row takes the largest score of any record on its own entity whose bucket overlaps it; rows
 * of entities without a series score 0.
 */
export function recordScore(r: ForecastRecord): number {
  const s = Number.isFinite(r.score) ? Math.max(0, Math.min(1, r.score)) : 0;
  return r.anomalous ? 0.5 + 0.5 * s : 0.5 * s;
}

export interface ForecastScores {
  scores: Float64Array;
  series: number;
  records: number;
}

export function forecastRowScores(events: Iterable<LogEvent>, rows: RowSet): ForecastScores {
  const opts = DEFAULT_EVAL;
  const builder = new SeriesBuilder({ stepMs: opts.stepMs, topUsers: opts.topUsers, maxTrackedUsers: 4096 });
  for (const e of events) builder.add(e);
  const series = builder.build(opts.metrics);
  const guard = new GuardedForecaster(new SeasonalNaiveForecaster(), () => {});
  const best = new Map<string, number>(); // entityKey|bucket → max score
  let records = 0;
  for (const s of series) {
    walkForward(s, guard, opts.walk, opts.rule, (r) => {
      records++;
      const key = `${entityKey(r.entity.kind, r.entity.id)}|${Math.floor(r.start / opts.stepMs)}`;
      const v = recordScore(r);
      if (v > (best.get(key) ?? 0)) best.set(key, v);
    });
  }
  const scores = new Float64Array(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const e = rows.entities[i];
    const ek = entityKey(e.kind, e.id);
    // A row may straddle two buckets; take the worse one.
    const b0 = Math.floor(rows.starts[i] / opts.stepMs);
    const b1 = Math.floor((rows.ends[i] - 1) / opts.stepMs);
    let v = 0;
    for (let b = b0; b <= b1; b++) v = Math.max(v, best.get(`${ek}|${b}`) ?? 0);
    scores[i] = v;
  }
  return { scores, series: series.length, records };
}
