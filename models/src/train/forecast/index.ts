export { type AlarmEpisode, toEpisodes } from './episodes.ts';
export {
  DEFAULT_EVAL,
  evaluateForecastDetector,
  type ForecastEvalOptions,
  type ForecastEvalReport,
  type TypeRecall,
} from './evaluate.ts';
export {
  buildForecastExport,
  type ExportedSeries,
  type ForecastExport,
  ForecastExportSchema,
  indexExport,
  parseForecastExport,
  scoreObservation,
} from './export.ts';
export {
  forecastProblem,
  type GuardedForecast,
  GuardedForecaster,
  type GuardedModel,
  type GuardStats,
} from './guard.ts';
export { initProphetWasm, ProphetForecaster, type ProphetForecasterOptions, type ProphetModel } from './prophet.ts';
export { type CostSummary, type SeriesCost, summarizeCost, type WalkForwardConfig, walkForward } from './rolling.ts';
export { checkRuleConfig, DEFAULT_RULE, judge, minAbsFor, type RuleConfig, RuleConfigSchema } from './rule.ts';
export { SeasonalNaiveForecaster, type SeasonalNaiveModel } from './seasonal-naive.ts';
export { OTHER_USER, SeriesBuilder, type SeriesBuilderConfig } from './series.ts';
export * from './types.ts';
