export type { Objective, Tree, TreeEnsemble } from './ensemble.ts';
export { reachableNodes, roundCount, truncateRounds } from './ensemble.ts';
export { logLoss, marginsToProba, predictMargin, predictProba } from './evaluate.ts';
export { parseXGBoostModel, truncateModelBytes } from './model-format.ts';
export { type XGBoostParams, XGBoostParamsSchema } from './params.ts';
export { type LabelledMatrix, type TrainOptions, type TrainResult, trainXGBoost } from './train.ts';
export { explain, type FeatureContribution, shapValues } from './treeshap.ts';
