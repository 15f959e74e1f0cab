import { access } from 'node:fs/promises';
import path from 'node:path';
import type { ScenarioFile } from '../synth/index.ts';
import { generateDataset } from '../synth/index.ts';

/**
 * The generalization set: another seed, weaker and more often "low and slow" anomalies than training saw. A model that
 * memorised the training generator's quirks loses here.
 */
export const GENERALIZATION_SCENARIO: ScenarioFile = {
  seed: 7_331,
  anomalies: { intensity: { min: 0.15, max: 0.8 }, lowAndSlowFraction: 0.5 },
};

async function exists(file: string): Promise<boolean> {
  return access(file).then(
    () => true,
    () => false,
  );
}

/** Generates a dataset into `dir` unless a complete one (manifest.json written last) is already there. */
export async function ensureDataset(
  dir: string,
  scenario?: ScenarioFile,
  log: (m: string) => void = () => {},
): Promise<void> {
  if (await exists(path.join(dir, 'manifest.json'))) return;
  log(`data: generating ${dir}`);
  await generateDataset({ out: dir, ...(scenario ? { scenario } : {}) });
}
