import { type Static, Type } from '@sinclair/typebox';
import { compileValidator } from '../../schema/validate.ts';
import {
  type ForecastModelName,
  type ForecastPoint,
  type ForecastRecord,
  METRICS,
  type Metric,
  SCOPES,
  type Scope,
} from './types.ts';

const PerMetric = Type.Object(Object.fromEntries(METRICS.map((m) => [m, Type.Optional(Type.Number({ minimum: 0 }))])), {
  additionalProperties: false,
});

export const RuleConfigSchema = Type.Object(
  {
    /** Smallest |observed − yhat| that may page anyone, per metric (units of the metric). */
    minAbsDeviation: Type.Object(
      Object.fromEntries(METRICS.map((m) => [m, Type.Number({ minimum: 0 })])) as Record<
        Metric,
        ReturnType<typeof Type.Number>
      >,
      { additionalProperties: false },
    ),
    /** Overrides per scope (a user's hourly count is smaller than the account's). */
    scopeOverrides: Type.Optional(
      Type.Object(Object.fromEntries(SCOPES.map((s) => [s, Type.Optional(PerMetric)])), {
        additionalProperties: false,
      }),
    ),
    /** 'up' flags only excesses (spikes, error bursts); 'both' also flags drops. */
    direction: Type.Union([Type.Literal('up'), Type.Literal('both')]),
  },
  { additionalProperties: false },
);
export type RuleConfig = Static<typeof RuleConfigSchema>;
export const checkRuleConfig = compileValidator(RuleConfigSchema);

export const DEFAULT_RULE: RuleConfig = {
  minAbsDeviation: { count: 20, errors: 10, bytes: 50_000_000, durationMean: 2000, memRatioMax: 0.3 },
  scopeOverrides: { service: { count: 15 }, user: { count: 6, errors: 5 } },
  direction: 'up',
};

export function minAbsFor(cfg: RuleConfig, scope: Scope, metric: Metric): number {
  const o = cfg.scopeOverrides?.[scope] as Partial<Record<Metric, number>> | undefined;
  return o?.[metric] ?? cfg.minAbsDeviation[metric];
}

export interface RuleVerdict {
  score: number;
  anomalous: boolean;
}

/**
 * Anomalous = outside the interval AND |obs − yhat| ≥ minAbs. Score: k = deviation in units of the interval's
 * half-width on that side (floored by minAbs so a zero-width interval on sparse counts cannot blow it up), mapped by
 * 1 − 2^−k: 0.5 at the interval edge, 0.875 at three half-widths. Monotone in the deviation; fusion calibrates it.
 */
export function judge(p: ForecastPoint, observed: number, minAbs: number, direction: 'up' | 'both'): RuleVerdict {
  if (!Number.isFinite(observed)) return { score: 0, anomalous: false };
  const dev = observed - p.yhat;
  if (dev < 0 && direction === 'up') return { score: 0, anomalous: false };
  const half = dev >= 0 ? p.upper - p.yhat : p.yhat - p.lower;
  const k = Math.abs(dev) / Math.max(half, minAbs, 1e-9);
  const outside = observed > p.upper || (direction === 'both' && observed < p.lower);
  return { score: 1 - 2 ** -k, anomalous: outside && Math.abs(dev) >= minAbs };
}

/** The scored bucket: the rule applied to one forecast point of one series (training walk-forward and serving). */
export function scoreBucket(
  s: {
    key: string;
    entity: ForecastRecord['entity'];
    source?: ForecastRecord['source'];
    metric: Metric;
    stepMs: number;
  },
  p: ForecastPoint,
  observed: number,
  minAbs: number,
  direction: 'up' | 'both',
  model: ForecastModelName,
): ForecastRecord {
  const v = judge(p, observed, minAbs, direction);
  return {
    seriesKey: s.key,
    entity: s.entity,
    ...(s.source ? { source: s.source } : {}),
    metric: s.metric,
    start: p.ts,
    end: p.ts + s.stepMs,
    observed,
    yhat: p.yhat,
    lower: p.lower,
    upper: p.upper,
    score: v.score,
    anomalous: v.anomalous,
    model,
  };
}
