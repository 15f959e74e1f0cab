import type { LatencyRow } from '../onnx/bench.ts';
import type { DetectorParams } from '../train/detector.ts';
import type { TrialResult } from '../train/tune.ts';
import type { SplitPlan } from './folds.ts';
import type { EvalReport } from './metrics.ts';
import { type HostCardInput, hostCardJson, hostCardMarkdown } from './model-card-host.ts';
import { reportJson, reportTable } from './report-format.ts';

export interface CardInput {
  version: string;
  command: string;
  data: {
    dir: string;
    seed: number | undefined;
    events: number;
    rows: number;
    anomalousRows: number;
    parseErrors: number;
  };
  plan: SplitPlan;
  params: DetectorParams;
  rounds: { detector: number; typer: number };
  threshold: number;
  falseAlarmBudget: number;
  search: TrialResult[];
  validation: EvalReport;
  test: EvalReport;
  generalization?: { dir: string; seed: number | undefined; note: string; report: EvalReport };
  latency: LatencyRow[];
  featureHash: string;
  /** Autoencoder, fusion, per-model figures and external results (bundles from 1.1.0). */
  host?: HostCardInput;
}

const iso = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const span = (s: [number, number]) => `${iso(s[0])} → ${iso(s[1])}`;

export function modelCardJson(c: CardInput) {
  return {
    version: c.version,
    command: c.command,
    data: c.data,
    splits: c.plan,
    params: c.params,
    rounds: c.rounds,
    threshold: c.threshold,
    falseAlarmBudgetPerEntityWeek: c.falseAlarmBudget,
    search: c.search,
    validation: reportJson(c.validation),
    test: reportJson(c.test),
    generalization: c.generalization ? { ...c.generalization, report: reportJson(c.generalization.report) } : undefined,
    latency: c.latency,
    featureSchemaHash: c.featureHash,
    ...(c.host ? { host: hostCardJson(c.host) } : {}),
  };
}

export function modelCardMarkdown(c: CardInput): string {
  const search = c.search
    .map(
      (t) =>
        `| ${t.trial + 1} | ${t.meanPrAuc.toFixed(4)} | ${t.params.max_depth} | ${t.params.eta} | ${t.params.min_child_weight} | ${t.params.subsample} | ${t.params.colsample_bytree} | ${t.params.lambda} | ${t.params.pos_weight_scale} | ${t.seconds.toFixed(1)} |`,
    )
    .join('\n');
  const latency = c.latency
    .map(
      (r) =>
        `| ${r.batch} | ${r.ort.p50Us.toFixed(0)} | ${r.ort.p99Us.toFixed(0)} | ${r.xgboost ? r.xgboost.p50Us.toFixed(0) : ''} | ${r.xgboost ? r.xgboost.p99Us.toFixed(0) : ''} |`,
    )
    .join('\n');
  return `# Model card: Vigil detector ${c.version}

Produced by \`${c.command}\`. Feature schema hash \`${c.featureHash}\`.

## Data
- Dataset \`${c.data.dir}\` (seed ${c.data.seed}): ${c.data.events} events parsed (${c.data.parseErrors} parse errors), ${c.data.rows} entity-windows, ${c.data.anomalousRows} of them overlapping a labelled anomaly on a related entity.
- Splits by time only: tuning folds ${c.plan.folds.map((f) => `[train ${span(f.train)} | test ${span(f.test)}]`).join(', ')}; final fit ${span(c.plan.fit)}; validation ${span(c.plan.validation)}; held-out test ${span(c.plan.test)}.

## Models
- **detector**: XGBoost \`binary:logistic\` (WASM), ${c.rounds.detector} trees after early stopping on validation, exported to ONNX TreeEnsembleClassifier.
- **typer**: XGBoost \`multi:softprob\` on anomalous windows only, ${c.rounds.typer} boosting rounds; names the anomaly type of a firing window.
- Parameters: \`${JSON.stringify(c.params)}\`.
- Threshold ${c.threshold.toFixed(4)}, chosen on the validation fold and then frozen: the highest threshold that keeps 95% of validation incidents, never below the floor for ${c.falseAlarmBudget} false-alarm episodes per active entity-week.

## Hyperparameter search (random search, mean PR-AUC over the tuning folds)
| trial | PR-AUC | depth | eta | min_child_weight | subsample | colsample | lambda | pos weight × | s |
| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |
${search}

## Held-out test span (${span(c.plan.test)}${c.host ? ', the bundle’s score: fused' : ''})
${reportTable(c.test)}

## Validation fold (threshold chosen here)
${reportTable(c.validation)}
${c.generalization ? `\n## Generalization: a different dataset (seed ${c.generalization.seed}; ${c.generalization.note})\n${reportTable(c.generalization.report)}\n` : ''}
## Detector inference latency (ONNX Runtime, one thread)
| batch | ORT p50 µs | ORT p99 µs | XGBoost-wasm p50 µs | XGBoost-wasm p99 µs |
| ---: | ---: | ---: | ---: | ---: |
${latency}
${c.host ? hostCardMarkdown(c.host) : ''}
Definitions: a window is positive when it overlaps a labelled incident on a related entity (the label's entity or its
targets). Incident recall counts an incident caught when any overlapping window fires. False alarms are alert
episodes (consecutive firing windows of one entity) on normal windows, per active entity-week (entity, ISO week pairs
with any activity). Delay is from incident start to the end of the first firing window.
`;
}
