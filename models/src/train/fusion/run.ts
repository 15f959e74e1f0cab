import type { EvalReport } from '../../eval/metrics.ts';
import { type AnomalyType, ENTITY_KINDS } from '../../schema/index.ts';
import { labelsIn } from '../pipeline.ts';
import { rowsIn } from '../rows.ts';
import {
  alertF1,
  BASE_MODELS,
  type Column,
  chooseThresholds,
  evaluateColumns,
  firingByContributor,
  fitFusion,
  type RawScores,
  trainWithout,
  xgbScores,
} from './experiment.ts';
import { autoencoderScores, type Prepared, trainNormalAutoencoder } from './prepare.ts';

export interface ExperimentOptions {
  leaveOut: AnomalyType[];
  seed: number;
  aeEpochs: number;
  log: (m: string) => void;
}

export interface LeaveOutResult {
  type: AnomalyType;
  test: LeaveOutRecall;
  generalization: LeaveOutRecall;
}

/** Incident recall of the left-out type per column (both fusion variants: validation picks one, both are shown). */
export type LeaveOutRecall = { incidents: number } & Record<
  'xgboost' | 'autoencoder' | 'fused_max' | 'fused_stack',
  number
>;

export interface FusionReport {
  command: string;
  seed: number;
  chosenFusion: 'fused_max' | 'fused_stack';
  validationAlertF1: Record<string, number>;
  thresholds: Record<string, number>;
  stackerWeights: { names: string[]; weights: number[]; bias: number };
  ablation: { test: Partial<Record<Column, EvalReport>>; generalization: Partial<Record<Column, EvalReport>> };
  /** Firing fused windows by contributing model (test span, generalization set). */
  contributors: Record<'test' | 'generalization', Record<string, { windows: number; anomalous: number }>>;
  leaveOneOut: LeaveOutResult[];
  seconds: Record<string, number>;
}

const COLS: Column[] = ['xgboost', 'autoencoder', 'forecast', 'fused_max', 'fused_stack'];

export async function runExperiment(dev: Prepared, gen: Prepared, o: ExperimentOptions): Promise<FusionReport> {
  const seconds: Record<string, number> = {};
  const timed = async <T>(k: string, f: () => Promise<T>) => {
    const t = performance.now();
    const v = await f();
    seconds[k] = (performance.now() - t) / 1000;
    o.log(`${k}: ${seconds[k].toFixed(1)} s`);
    return v;
  };
  const xgb = await timed('xgboost', () => trainWithout(dev, undefined, o.seed, true));
  const ae = await timed('autoencoder', () => trainNormalAutoencoder(dev, o.aeEpochs, o.seed, o.log));
  const devX = xgbScores(xgb, dev);
  const genX = xgbScores(xgb, gen);
  const rawDev: RawScores = {
    xgboost: devX.scores,
    autoencoder: autoencoderScores(ae, dev.rows),
    forecast: dev.forecast,
  };
  const rawGen: RawScores = {
    xgboost: genX.scores,
    autoencoder: autoencoderScores(ae, gen.rows),
    forecast: gen.forecast,
  };
  ae.dispose();
  const fusion = fitFusion(dev, rawDev);
  const thresholds = chooseThresholds(dev, rawDev, fusion, devX.predTypes, COLS);
  const valIdx = rowsIn(dev.rows, dev.plan.validation);
  const valReports = evaluateColumns(
    dev,
    valIdx,
    labelsIn(dev.labels, dev.plan.validation),
    rawDev,
    fusion,
    thresholds,
    devX.predTypes,
    COLS,
  );
  const validationAlertF1 = Object.fromEntries(COLS.map((c) => [c, alertF1(valReports[c] as EvalReport)]));
  const chosenFusion = validationAlertF1.fused_stack > validationAlertF1.fused_max ? 'fused_stack' : 'fused_max';
  o.log(
    `fusion chosen on validation: ${chosenFusion} (alert F1 max ${validationAlertF1.fused_max.toFixed(3)}, stack ${validationAlertF1.fused_stack.toFixed(3)})`,
  );
  const testIdx = rowsIn(dev.rows, dev.plan.test);
  const ablation = {
    test: evaluateColumns(
      dev,
      testIdx,
      labelsIn(dev.labels, dev.plan.test),
      rawDev,
      fusion,
      thresholds,
      devX.predTypes,
      COLS,
    ),
    generalization: evaluateColumns(gen, gen.all, gen.labels, rawGen, fusion, thresholds, genX.predTypes, COLS),
  };
  const contributors = {
    test: firingByContributor(dev, rawDev, fusion, testIdx, chosenFusion, thresholds[chosenFusion]),
    generalization: firingByContributor(gen, rawGen, fusion, gen.all, chosenFusion, thresholds[chosenFusion]),
  };
  const leaveOneOut: LeaveOutResult[] = [];
  for (const t of o.leaveOut) {
    const r = await timed(`leave-out ${t}`, () =>
      leaveOut(dev, gen, rawDev, rawGen, t, devX.predTypes, genX.predTypes, o.seed),
    );
    leaveOneOut.push(r);
    o.log(`  ${t}: test ${JSON.stringify(r.test)}; generalization ${JSON.stringify(r.generalization)}`);
  }
  const m = fusion.stacker.model;
  return {
    command: '',
    seed: o.seed,
    chosenFusion,
    validationAlertF1,
    thresholds,
    stackerWeights: {
      names: [...fusion.stacker.names, ...ENTITY_KINDS.map((k) => `kind=${k}`)],
      weights: [...m.weights],
      bias: m.bias,
    },
    ablation,
    contributors,
    leaveOneOut,
    seconds,
  };
}

type Pred = Parameters<typeof evaluateColumns>[6];

async function leaveOut(
  dev: Prepared,
  gen: Prepared,
  rawDev: RawScores,
  rawGen: RawScores,
  t: AnomalyType,
  devTypes: Pred,
  genTypes: Pred,
  seed: number,
): Promise<LeaveOutResult> {
  const model = await trainWithout(dev, t, seed, false);
  const rd: RawScores = { ...rawDev, xgboost: xgbScores(model, dev).scores };
  const rg: RawScores = { ...rawGen, xgboost: xgbScores(model, gen).scores };
  const f = fitFusion(dev, rd, t);
  const cols: Column[] = ['xgboost', 'autoencoder', 'fused_max', 'fused_stack'];
  const thr = chooseThresholds(dev, rd, f, devTypes, cols, t);
  const testIdx = rowsIn(dev.rows, dev.plan.test);
  const test = evaluateColumns(dev, testIdx, labelsIn(dev.labels, dev.plan.test), rd, f, thr, devTypes, cols);
  const g = evaluateColumns(gen, gen.all, gen.labels, rg, f, thr, genTypes, cols);
  const pick = (r: Partial<Record<Column, EvalReport>>) => ({
    incidents: r.xgboost?.byType[t]?.incidents ?? 0,
    xgboost: r.xgboost?.byType[t]?.incidentRecall ?? Number.NaN,
    autoencoder: r.autoencoder?.byType[t]?.incidentRecall ?? Number.NaN,
    fused_max: r.fused_max?.byType[t]?.incidentRecall ?? Number.NaN,
    fused_stack: r.fused_stack?.byType[t]?.incidentRecall ?? Number.NaN,
  });
  return { type: t, test: pick(test), generalization: pick(g) };
}

export { BASE_MODELS };
