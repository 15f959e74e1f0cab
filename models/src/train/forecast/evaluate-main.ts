/** Forecast detector figures on a generated dataset; JSON report on stdout, progress on stderr. */
import path from 'node:path';
import { parseCommand, UsageError } from '../../util/cli.ts';
import { loadDataset } from '../dataset.ts';
import { DEFAULT_EVAL, evaluateForecastDetector } from './evaluate.ts';

const USAGE = `
usage: npx tsx models/src/train/forecast/evaluate-main.ts [dataDir] [--prophet] [--weekly] [--interval 0.999]
  dataDir      dataset written by vigil data generate (default data/default)
  --prophet    fit account/service count series with Prophet (guarded); everything else seasonal-naive
  --weekly     retrain weekly instead of daily
  --interval   prediction interval coverage in (0, 1)
`;

async function main(argv: string[]): Promise<number> {
  const parsed = parseCommand(argv, {
    usage: USAGE,
    allowPositionals: true,
    options: { prophet: { type: 'boolean' }, weekly: { type: 'boolean' }, interval: { type: 'string' } },
  });
  if (!parsed) return 0;
  const { values, positionals } = parsed;
  const dir = path.resolve(positionals[0] ?? 'data/default');
  const intervalWidth = values.interval === undefined ? DEFAULT_EVAL.walk.fit.intervalWidth : Number(values.interval);
  if (!(intervalWidth > 0 && intervalWidth < 1))
    throw new UsageError(`--interval must be in (0, 1), got '${values.interval}'`);
  const retrainEvery = values.weekly ? 168 : 24;
  let t = performance.now();
  const ds = await loadDataset(dir);
  process.stderr.write(
    `loaded ${ds.events.length} events, ${ds.labels.length} labels in ${Math.round(performance.now() - t)} ms\n`,
  );
  t = performance.now();
  const report = evaluateForecastDetector(ds.events, ds.labels, {
    walk: { ...DEFAULT_EVAL.walk, retrainEvery, fit: { ...DEFAULT_EVAL.walk.fit, intervalWidth } },
    prophet: values.prophet ? { scopes: ['account', 'service'], metrics: ['count'] } : { scopes: [], metrics: [] },
    log: (m) => process.stderr.write(`${m}\n`),
  });
  process.stderr.write(`evaluated in ${Math.round(performance.now() - t)} ms\n`);
  const out = { dir, prophet: values.prophet === true, retrainEvery, intervalWidth, ...report };
  process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: Error) => {
    process.stderr.write(`forecast evaluate: ${e.message}\n`);
    process.exit(e instanceof UsageError ? 2 : 1);
  },
);
