import path from 'node:path';
import { intFlag, parseCommand } from '../../util/cli.ts';
import { evaluateLoghubBgl, evaluateLoghubHdfs, formatLoghubReport } from './deeplog-loghub.ts';

/*
 * DeepLog on the Loghub 2k samples (chronological split, ground-truth templates):
 *   npx tsx models/src/train/nn/deeplog-loghub-main.ts [--data ../shared/data] [--window-lines 20] [--top-g 9]
 *       [--epochs N] [--units N] [--layers N] [--json]
 */
const usage =
  'usage: deeplog-loghub-main [--data DIR] [--window-lines N] [--step-lines N] [--top-g N] [--epochs N] [--units N] [--layers N] [--json]';

async function main(argv: string[]): Promise<number> {
  const parsed = parseCommand(argv, {
    usage,
    options: {
      data: { type: 'string' },
      'window-lines': { type: 'string' },
      'step-lines': { type: 'string' },
      'top-g': { type: 'string' },
      epochs: { type: 'string' },
      units: { type: 'string' },
      layers: { type: 'string' },
      json: { type: 'boolean' },
    },
  });
  if (!parsed) return 0;
  const v = parsed.values;
  const repoRoot = path.resolve(import.meta.dirname, '../../../..');
  const dataDir = path.resolve(v.data ?? path.resolve(repoRoot, '../shared/data'));
  const config = {
    ...(v.epochs ? { epochs: intFlag('epochs', v.epochs, 30) } : {}),
    ...(v.units ? { units: intFlag('units', v.units, 64) } : {}),
    ...(v.layers ? { layers: intFlag('layers', v.layers, 2) } : {}),
  };
  const topG = intFlag('top-g', v['top-g'], 9);
  const windowLines = intFlag('window-lines', v['window-lines'], 20);
  const stepLines = intFlag('step-lines', v['step-lines'], windowLines);
  const bgl = await evaluateLoghubBgl(dataDir, { windowLines, stepLines, topG, config });
  const hdfs = await evaluateLoghubHdfs(dataDir, { topG, config });
  process.stdout.write(
    v.json
      ? `${JSON.stringify([bgl, hdfs], null, 2)}\n`
      : `${formatLoghubReport(bgl)}\n\n${formatLoghubReport(hdfs)}\n`,
  );
  return 0;
}

process.exitCode = await main(process.argv.slice(2));
