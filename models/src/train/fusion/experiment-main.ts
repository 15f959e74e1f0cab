/**
 * Score-fusion experiment: base models alone vs calibrated max vs stacking, and leave-one-type-out. Trains its own
 * models in memory and never touches the committed bundle. Markdown on stdout (or JSON with --json), progress on
 * stderr, the full report as fusion-report.json under --out.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ANOMALY_TYPES, type AnomalyType } from '../../schema/index.ts';
import { intFlag, parseCommand, UsageError } from '../../util/cli.ts';
import { loadDataset } from '../dataset.ts';
import { prepare } from './prepare.ts';
import { formatReport } from './report.ts';
import { runExperiment } from './run.ts';

const DEFAULT_TYPES = 'crypto_miner,port_scan,s3_mass_delete,lambda_timeout,unusual_region,disk_fill';
const USAGE = `
usage: npx tsx models/src/train/fusion/experiment-main.ts [--types a,b,c|all] [--json] [--out dir]
  --data      development dataset (default data/default)
  --gen       different-seed dataset scored with frozen thresholds (default data/generalization)
  --types     anomaly types for the leave-one-type-out loop (default ${DEFAULT_TYPES}; "all" = every type, "none")
  --epochs    autoencoder epochs (default 20)
  --seed      seed for every model (default 42)
  --out       directory for fusion-report.json (default /tmp)
  --json      print the JSON report instead of markdown
`;

function parseTypes(v: string | undefined): AnomalyType[] {
  const raw = v ?? DEFAULT_TYPES;
  if (raw === 'none') return [];
  if (raw === 'all') return [...ANOMALY_TYPES];
  const out = raw.split(',').map((s) => s.trim());
  for (const t of out) {
    if (!(ANOMALY_TYPES as readonly string[]).includes(t)) throw new UsageError(`--types: unknown anomaly type '${t}'`);
  }
  return out as AnomalyType[];
}

async function main(argv: string[]): Promise<number> {
  const parsed = parseCommand(argv, {
    usage: USAGE,
    options: {
      data: { type: 'string' },
      gen: { type: 'string' },
      types: { type: 'string' },
      epochs: { type: 'string' },
      seed: { type: 'string' },
      out: { type: 'string' },
      json: { type: 'boolean' },
    },
  });
  if (!parsed) return 0;
  const v = parsed.values;
  const log = (m: string) => process.stderr.write(`${m}\n`);
  const leaveOut = parseTypes(v.types);
  const seed = intFlag('seed', v.seed, 42);
  const aeEpochs = intFlag('epochs', v.epochs, 20);
  const dev = await prepare('default', await loadDataset(path.resolve(v.data ?? 'data/default')), log);
  const gen = await prepare('generalization', await loadDataset(path.resolve(v.gen ?? 'data/generalization')), log);
  const report = await runExperiment(dev, gen, { leaveOut, seed, aeEpochs, log });
  report.command = `npx tsx models/src/train/fusion/experiment-main.ts ${argv.join(' ')}`.trim();
  const outDir = path.resolve(v.out ?? '/tmp');
  await mkdir(outDir, { recursive: true });
  const file = path.join(outDir, 'fusion-report.json');
  await writeFile(file, `${JSON.stringify(report, null, 2)}\n`);
  log(`wrote ${file}`);
  process.stdout.write(v.json ? `${JSON.stringify(report, null, 2)}\n` : formatReport(report));
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: Error) => {
    process.stderr.write(`fusion experiment: ${e.message}\n`);
    process.exit(e instanceof UsageError ? 2 : 1);
  },
);
