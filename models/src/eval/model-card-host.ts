import type { HostLatency } from '../onnx/bench-host.ts';
import type { EvalReport } from './metrics.ts';
import { reportJson } from './report-format.ts';

/*
 * The model card's sections for the host models beside the detector (autoencoder, fusion), the per-model comparison,
 * the decisions about the LSTMs and forecasts, and the external DeepLog figures.
 */

export interface ExternalDeepLog {
  dataset: string;
  lines: number;
  testSessions: number;
  testAnomalous: number | null;
  g: number;
  precision: number | null;
  recall: number | null;
  f1: number | null;
  flagged: number;
  allFlaggedF1: number | null;
  publishedF1: Record<string, number>;
  note: string;
}

export interface HostCardInput {
  autoencoder: {
    epochs: number;
    bestEpoch: number;
    trainRows: number;
    validationRows: number;
    threshold: number;
    quantile: number;
    int8Bytes: number;
    floatBytes: number;
    parity: { floatVsTfjs: unknown; int8VsFloat: unknown };
  };
  fusion: {
    method: 'max' | 'stack';
    threshold: number;
    inputs: string[];
    validationAlertF1: { max: number; stack: number };
    stacker?: { weights: number[]; bias: number; entityKinds: string[] };
  };
  byModel: { test: Record<string, EvalReport>; generalization: Record<string, EvalReport> };
  hostLatency?: HostLatency;
  decisions: { lstm: string; forecast: string };
  external?: { command: string; results: ExternalDeepLog[] } | { skipped: string };
}

export function hostCardJson(h: HostCardInput) {
  const reports = (r: Record<string, EvalReport>) =>
    Object.fromEntries(Object.entries(r).map(([k, v]) => [k, reportJson(v)]));
  return {
    autoencoder: h.autoencoder,
    fusion: h.fusion,
    byModel: { test: reports(h.byModel.test), generalization: reports(h.byModel.generalization) },
    hostLatency: h.hostLatency,
    decisions: h.decisions,
    external: h.external,
  };
}

const f3 = (x: number | null | undefined) => (x === null || x === undefined || Number.isNaN(x) ? '–' : x.toFixed(3));

/** Incident recall per type for every model, then the overall operating figures. */
export function byModelTable(r: Record<string, EvalReport>): string {
  const cols = Object.keys(r);
  const types = [...new Set(cols.flatMap((c) => Object.keys(r[c].byType)))].sort();
  const head = `| type | incidents | ${cols.join(' | ')} |\n| --- | ---: | ${cols.map(() => '---:').join(' | ')} |`;
  const line = (t: string) => {
    const get = (c: string) => r[c].byType[t as keyof EvalReport['byType']];
    return `| ${t} | ${get(cols[0])?.incidents ?? 0} | ${cols.map((c) => f3(get(c)?.incidentRecall)).join(' | ')} |`;
  };
  const overall = (label: string, f: (x: EvalReport) => number) =>
    `| **${label}** | | ${cols.map((c) => f3(f(r[c]))).join(' | ')} |`;
  return [
    head,
    ...types.map(line),
    overall('incident recall', (x) => x.overall.incidentRecall),
    overall('alert precision', (x) => x.overall.alertPrecision),
    overall('window precision', (x) => x.overall.precision),
    overall('false alarms / entity-week', (x) => x.overall.falseAlarmsPerEntityWeek),
    overall('threshold', (x) => x.threshold),
  ].join('\n');
}

function externalMarkdown(e: HostCardInput['external']): string {
  if (!e) return '';
  if ('skipped' in e) return `\n## External: DeepLog on Loghub\nNot computed: ${e.skipped}\n`;
  const rows = e.results.map(
    (x) =>
      `| ${x.dataset} | ${x.lines} | ${x.testSessions} (${x.testAnomalous ?? 'unlabelled'}) | ${x.g} | ${f3(x.precision)} | ${f3(x.recall)} | ${f3(x.f1)} | ${f3(x.allFlaggedF1)} | ${Object.entries(
        x.publishedF1,
      )
        .map(([k, v]) => `${k} ${v}`)
        .join('; ')} |`,
  );
  return `
## External: DeepLog (next-event LSTM) on Loghub
Computed at train time by \`${e.command}\` (ground-truth templates, chronological split).

| dataset | lines | test sessions (anomalous) | top-g | precision | recall | F1 | flag-all F1 | published F1 |
| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |
${rows.join('\n')}

${e.results.map((x) => `- ${x.dataset}: ${x.note}`).join('\n')}
`;
}

export function hostCardMarkdown(h: HostCardInput): string {
  const ae = h.autoencoder;
  const fu = h.fusion;
  const lat = h.hostLatency;
  const latency = lat
    ? `\n## Host scoring latency (${lat.batch} windows, ${lat.cpus} CPU)\n| what | p50 ms | p99 ms |\n| --- | ---: | ---: |\n| all host models + fusion | ${(lat.total.p50Us / 1000).toFixed(3)} | ${(lat.total.p99Us / 1000).toFixed(3)} |\n${lat.models.map((m) => `| ${m.name} (${m.role}) alone | ${(m.latency.p50Us / 1000).toFixed(3)} | ${(m.latency.p99Us / 1000).toFixed(3)} |`).join('\n')}\n\nThe typer runs only on windows at or over the threshold (the alerting ones).\n`
    : '';
  return `
## Autoencoder (host, int8)
- Dense autoencoder over the raw window features (scaler inside the graph), trained with tfjs (wasm) on ${ae.trainRows} windows outside every label from the final-fit span only; early stopping on ${ae.validationRows} validation-normal windows (best epoch ${ae.bestEpoch} of ${ae.epochs}). No anomaly label is used.
- Shipped: int8 ONNX, ${ae.int8Bytes} bytes (float reference ${ae.floatBytes} bytes, ${(ae.floatBytes / ae.int8Bytes).toFixed(2)}× larger; not shipped).
- Score: mean normalized reconstruction error (≈ 1 on training normals). Alone it alerts at ${ae.threshold.toFixed(3)}, the q${ae.quantile} of validation-normal windows.
- Parity: float ONNX vs tfjs \`${JSON.stringify(ae.parity.floatVsTfjs)}\`; int8 vs float \`${JSON.stringify(ae.parity.int8VsFloat)}\`.

## Fusion
- Inputs: ${fu.inputs.join(', ')}, each calibrated to the empirical CDF of its validation-normal scores. Method **${fu.method === 'max' ? 'calibrated max' : 'stacking (logistic regression on each model’s surprise + entity kind)'}**, picked by validation alert-level F1 (max ${fu.validationAlertF1.max.toFixed(3)}, stack ${fu.validationAlertF1.stack.toFixed(3)}). Weights and threshold fitted on the validation fold only, then frozen.
- The fused score is the row's score; alert at ≥ ${fu.threshold.toPrecision(6)}. Anomalies name \`fused\` as the model and list each input's calibrated score in \`evidence.contributors\`, the driving model first.
- LSTM: ${h.decisions.lstm}
- Forecast: ${h.decisions.forecast}

## Per model, held-out test span (each base model at its own frozen threshold)
${byModelTable(h.byModel.test)}

## Per model, generalization dataset
${byModelTable(h.byModel.generalization)}
${latency}${externalMarkdown(h.external)}`;
}
