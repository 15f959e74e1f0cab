import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { evaluateBundle } from '../eval/bundle-eval.ts';
import { type CardInput, modelCardJson, modelCardMarkdown } from '../eval/model-card.ts';
import { byModelTable } from '../eval/model-card-host.ts';
import { reportJson, reportTable } from '../eval/report-format.ts';
import { DEFAULT_FEATURE_CONFIG } from '../features/engine.ts';
import { featureSchema } from '../features/schema.ts';
import { benchTreeModelLatency } from '../onnx/bench.ts';
import { treeEnsembleToOnnx } from '../onnx/index.ts';
import { intFlag, parseCommand, UsageError } from '../util/cli.ts';
import { loadDataset } from './dataset.ts';
import { ensureDataset, GENERALIZATION_SCENARIO } from './datasets.ts';
import { exportBundle, writeModelCard } from './export.ts';
import { hostCard } from './host-card.ts';
import { HOST_DEFAULTS, trainHostModels } from './host-models.ts';
import { datasetRows, evaluateElsewhere, trainOnDataset } from './pipeline.ts';
import { gather, rowsIn } from './rows.ts';
import { roundCount } from './xgboost/index.ts';

export const DEFAULT_BUNDLE = 'models/bundles/default';
const DEFAULT_DATA = 'data/default';
const DEFAULT_GENERALIZATION = 'data/generalization';

const GROUP_USAGE = `Usage: vigil models <command> [options]

Commands:
  train       generate (if needed) and replay the dataset, tune, train, evaluate, write the model bundle
  evaluate    score a dataset with a bundle through ONNX Runtime and report per-type figures`;

const TRAIN_USAGE = `Usage: vigil models train [--data DIR] [--out DIR] [--budget N] [--seed N] [--json]

Replays the dataset through the serving feature engine, tunes XGBoost by random search on expanding time folds,
fits on the development span with early stopping on a later validation fold, freezes a threshold for the
false-alarm budget; trains the int8 autoencoder on normal windows of the fit span and fuses it with the detector
(calibrators, fusion and thresholds on the validation fold); scores the held-out test span and a different-seed
dataset, and writes the bundle.

Options:
  --data DIR              training dataset (default ${DEFAULT_DATA}; generated with the default scenario if absent)
  --generalization DIR    different-seed dataset (default ${DEFAULT_GENERALIZATION}; generated if absent)
  --out DIR               bundle directory (default ${DEFAULT_BUNDLE})
  --budget N              random-search candidates (default 6)
  --seed N                training seed (default 1)
  --fa-budget X           false-alarm episodes per entity-week allowed on validation (default 0.5)
  --version V             bundle version (default 1.1.0)
  --detector-only         leave out the autoencoder and the fusion (a 1.0.0-style bundle)
  --skip-external         do not run DeepLog on the Loghub samples for the model card
  --json                  print the model card JSON on stdout`;

const EVAL_USAGE = `Usage: vigil models evaluate --data DIR [--bundle DIR] [--json]

Scores every entity-window of the dataset with the bundle's ONNX models (the serving path). On the bundle's own
training dataset only the held-out test span is scored; on any other dataset, all of it. byModel holds each model
alone at its own frozen threshold (xgboost, autoencoder when shipped), the forecast detector (seasonal-naive
walk-forward, its rule's alarms) and the fused score; external holds the Loghub DeepLog figures from the bundle's
model card (computed at train time).`;

export async function run(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  if (cmd === 'train') return train(rest);
  if (cmd === 'evaluate') return evaluateCmd(rest);
  if (!cmd || cmd === '--help' || cmd === '-h') {
    process.stdout.write(`${GROUP_USAGE}\n`);
    return cmd ? 0 : 2;
  }
  throw new UsageError(`unknown command '${cmd}'\n\n${GROUP_USAGE}`);
}

const log = (m: string) => process.stderr.write(`${m}\n`);

async function train(argv: string[]): Promise<number> {
  const parsed = parseCommand(argv, {
    usage: TRAIN_USAGE,
    options: {
      data: { type: 'string' },
      generalization: { type: 'string' },
      out: { type: 'string' },
      budget: { type: 'string' },
      seed: { type: 'string' },
      'fa-budget': { type: 'string' },
      version: { type: 'string' },
      'detector-only': { type: 'boolean' },
      'skip-external': { type: 'boolean' },
      json: { type: 'boolean' },
    },
  });
  if (!parsed) return 0;
  const v = parsed.values;
  const dataDir = v.data ?? DEFAULT_DATA;
  const genDir = v.generalization ?? DEFAULT_GENERALIZATION;
  const out = v.out ?? DEFAULT_BUNDLE;
  const faBudget = v['fa-budget'] === undefined ? 0.5 : Number(v['fa-budget']);
  if (!(faBudget >= 0)) throw new UsageError(`--fa-budget must be a non-negative number, got '${v['fa-budget']}'`);
  const cfg = {
    budget: intFlag('budget', v.budget, 6),
    seed: intFlag('seed', v.seed, 1),
    falseAlarmBudget: faBudget,
    log,
  };

  await ensureDataset(dataDir, undefined, log);
  const ds = await loadDataset(dataDir);
  const outcome = await trainOnDataset(ds, cfg);
  await ensureDataset(genDir, GENERALIZATION_SCENARIO, log);
  const gen = await loadDataset(genDir);
  log('generalization: scoring the different-seed dataset with the frozen model');
  const genRows = await datasetRows(gen);
  const genReport = await evaluateElsewhere(outcome.model, outcome.threshold, gen, genRows);
  const host = v['detector-only']
    ? undefined
    : await trainHostModels(outcome, ds.labels, { ...genRows, labels: gen.labels }, { ...HOST_DEFAULTS, ...cfg });

  const testIdx = rowsIn(outcome.rows, outcome.plan.test).slice(0, 4096);
  const latency = await benchTreeModelLatency({
    onnx: treeEnsembleToOnnx(outcome.model.detector.ensemble),
    xgboostModel: outcome.model.detector.modelBytes,
    nFeatures: outcome.rows.nFeatures,
    X: gather(outcome.rows, testIdx),
  });
  const schema = featureSchema(DEFAULT_FEATURE_CONFIG.windowMs, DEFAULT_FEATURE_CONFIG.rollingMs);
  const fusedVal = host?.fusion.validation[host.fusion.doc.method];
  const card: CardInput = {
    version: v.version ?? (host ? '1.1.0' : '1.0.0'),
    command: `vigil models train --data ${dataDir} --budget ${cfg.budget} --seed ${cfg.seed}${host ? '' : ' --detector-only'}`,
    data: {
      dir: dataDir,
      seed: ds.seed,
      events: ds.events.length,
      rows: outcome.rows.length,
      anomalousRows: outcome.types.filter((t) => t !== null).length,
      parseErrors: ds.parse.errors,
    },
    plan: outcome.plan,
    params: outcome.model.params,
    rounds: {
      detector: roundCount(outcome.model.detector.ensemble),
      typer: outcome.model.typer ? roundCount(outcome.model.typer.ensemble) : 0,
    },
    threshold: outcome.threshold,
    falseAlarmBudget: faBudget,
    search: outcome.search,
    validation: fusedVal ?? outcome.validation,
    test: host?.test.fused ?? outcome.test,
    generalization: {
      dir: genDir,
      seed: gen.seed,
      note: 'anomaly intensity 0.15-0.8, half of them low-and-slow',
      report: host?.generalization.fused ?? genReport,
    },
    latency,
    featureHash: schema.hash,
  };
  await mkdir(out, { recursive: true });
  const exportOpts = {
    dir: out,
    version: card.version,
    trainingSeed: ds.seed ?? cfg.seed,
    threshold: outcome.threshold,
    createdAt: new Date(ds.span[1]).toISOString(),
    ...(host ? { host: { autoencoder: host.autoencoder, fusion: host.fusion.doc } } : {}),
  };
  await exportBundle(outcome.model, { ...exportOpts, card: { json: modelCardJson(card), markdown: '' } });
  if (host) {
    card.host = await hostCard(host, out, outcome, schema.hash, !v['skip-external'], log);
  }
  await writeModelCard(out, { json: modelCardJson(card), markdown: modelCardMarkdown(card) });
  log(`bundle written to ${path.resolve(out)}`);
  if (v.json) process.stdout.write(`${JSON.stringify(modelCardJson(card))}\n`);
  else {
    process.stdout.write(
      `\nHeld-out test span:\n${reportTable(card.test)}\n\nGeneralization (seed ${gen.seed}):\n${reportTable(card.generalization?.report ?? genReport)}\n`,
    );
  }
  return 0;
}

async function evaluateCmd(argv: string[]): Promise<number> {
  const parsed = parseCommand(argv, {
    usage: EVAL_USAGE,
    options: { data: { type: 'string' }, bundle: { type: 'string' }, json: { type: 'boolean' } },
  });
  if (!parsed) return 0;
  const { data, bundle = DEFAULT_BUNDLE, json } = parsed.values;
  if (!data) throw new UsageError(`--data DIR is required\n\n${EVAL_USAGE}`);
  const ds = await loadDataset(data);
  const { report, byModel, external, heldOutOnly, span } = await evaluateBundle(bundle, ds);
  const scope = heldOutOnly ? 'held-out test span of the training dataset' : 'whole dataset (not the training data)';
  if (json) {
    const models = Object.fromEntries(Object.entries(byModel).map(([k, r]) => [k, reportJson(r)]));
    process.stdout.write(
      `${JSON.stringify({ data, bundle, scope, span, ...reportJson(report), byModel: models, external })}\n`,
    );
  } else {
    process.stdout.write(
      `${data} with ${bundle}: ${scope}\n${reportTable(report)}\n\nEach model alone (incident recall per type):\n${byModelTable(byModel)}\n`,
    );
  }
  return 0;
}
