/**
 * Synthetic AWS log generator. `generateDataset` writes the dataset; `SynthRun` / `iterateDataset` stream the same
 * records (native line + the LogEvent it must parse back to + its label) without touching the disk.
 */
export { fileHeader, files, VPC_HEADER } from './format/files.ts';
export type { Manifest } from './manifest.ts';
export { type AnomalyCount, iterateDataset, type RunCounts, type SynthOptions, SynthRun } from './run.ts';
export {
  type AnomalyTypeSettings,
  loadScenarioFile,
  resolveScenario,
  type Scenario,
  validateScenario,
} from './scenario.ts';
export { type HostSpec, type ScenarioFile, ScenarioSchema, type UserSpec } from './scenario-schema.ts';
export type { SynthRecord } from './types.ts';
export { type GenerateOptions, generateDataset } from './write.ts';
