import { intFlag, parseCommand } from '../../util/cli.ts';
import {
  formatReport,
  type ReportRow,
  reportAutoencoder,
  reportDenseLayer,
  reportNextEvent,
  reportSequence,
} from './nn-report.ts';

/*
 * Reproducible size / parity / latency figures for the NN exports:
 *   npx tsx models/src/train/nn/nn-report-main.ts [--batch 1024] [--budget-ms 1000] [--epochs N] [--json]
 * Run it twice: equal int8 sha256 lines mean training and export were byte-identical across processes.
 */
const usage = 'usage: nn-report-main [--batch N] [--budget-ms N] [--epochs N] [--only ae|lstm|seq|dense] [--json]';

async function main(argv: string[]): Promise<number> {
  const parsed = parseCommand(argv, {
    usage,
    options: {
      batch: { type: 'string' },
      'budget-ms': { type: 'string' },
      epochs: { type: 'string' },
      only: { type: 'string' },
      json: { type: 'boolean' },
    },
  });
  if (!parsed) return 0;
  const v = parsed.values;
  const opts = { batch: intFlag('batch', v.batch, 1024), budgetMs: intFlag('budget-ms', v['budget-ms'], 1000) };
  const epochs = v.epochs === undefined ? {} : { epochs: intFlag('epochs', v.epochs, 1) };
  const runs: Record<string, () => Promise<ReportRow>> = {
    ae: () => reportAutoencoder(opts, epochs),
    lstm: () => reportNextEvent(opts, epochs),
    seq: () => reportSequence(opts, epochs),
    dense: () => reportDenseLayer(opts),
  };
  if (v.only !== undefined && !(v.only in runs))
    throw new Error(`--only must be one of ${Object.keys(runs).join(', ')}`);
  const rows: ReportRow[] = [];
  for (const [name, run] of Object.entries(runs)) if (v.only === undefined || v.only === name) rows.push(await run());
  process.stdout.write(v.json ? `${JSON.stringify(rows, null, 2)}\n` : `${formatReport(rows)}\n`);
  return 0;
}

process.exitCode = await main(process.argv.slice(2));
