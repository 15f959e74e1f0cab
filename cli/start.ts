import { readFile } from 'node:fs/promises';
import { summaryText } from '../models/src/synth/cli.ts';
import { generateDataset, type Manifest } from '../models/src/synth/index.ts';
import { parseCommand } from '../models/src/util/cli.ts';

const USAGE = `Usage: npm start [-- --data DIR]

Generates the default dataset (10 users, one year, 100,000 samples) into DIR (default data/default) unless it is
already there, and prints its summary: records per source and incidents per anomaly type.`;

/** The main job until the live demo exists: the seed's dataset, generated once and described. */
export async function run(argv: string[]): Promise<number> {
  const parsed = parseCommand(argv, { usage: USAGE, options: { data: { type: 'string' } } });
  if (!parsed) return 0;
  const out = parsed.values.data ?? 'data/default';
  const existing = await readFile(`${out}/manifest.json`, 'utf8').then(
    (t) => JSON.parse(t) as Manifest,
    () => null,
  );
  if (existing) {
    process.stdout.write(`${summaryText(existing, 0, out).replace(/ in 0\.00 s/, ' (already present)')}\n`);
    return 0;
  }
  const t0 = performance.now();
  const manifest = await generateDataset({ out });
  process.stdout.write(`${summaryText(manifest, (performance.now() - t0) / 1000, out)}\n`);
  process.stdout.write(
    `\nNext: npx vigil logs parse ${out} --out events.csv   |   npx vigil models evaluate --data ${out}\n`,
  );
  return 0;
}
