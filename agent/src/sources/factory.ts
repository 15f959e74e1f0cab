import { compileValidator, ValidationError } from '../../../models/src/schema/validate.ts';
import type { CheckpointStore } from '../state/checkpoints.ts';
import { DISK_SOURCE_DEFAULTS, DiskSourceConfigSchema } from './disk/config.ts';
import { DiskSampler } from './disk/disk-sampler.ts';
import { FileSourceConfigSchema } from './file/config.ts';
import { FileSource } from './file/file-source.ts';
import { PeriodicSource } from './periodic-source.ts';
import { PROCESS_SOURCE_DEFAULTS, ProcessSourceConfigSchema } from './process/config.ts';
import { ProcessSampler } from './process/process-sampler.ts';
import type { Source } from './source.ts';

export interface SourceDeps {
  checkpoints: CheckpointStore;
  /** Host name for sampler events (default: os.hostname()). */
  host?: string;
  /** Event clock for sample timestamps (default: the wall clock). */
  eventNow?: () => number;
}

const validators = {
  file: compileValidator(FileSourceConfigSchema),
  process: compileValidator(ProcessSourceConfigSchema),
  disk: compileValidator(DiskSourceConfigSchema),
};

/**
 * Validate a `sources` config list and build its sources. Each entry is checked against the schema of its `type`,
 * so an error names the entry and key (`sources[2] (file): maxLineBytes: Expected integer`).
 */
export function createSources(config: unknown, deps: SourceDeps): Source[] {
  if (!Array.isArray(config)) throw new ValidationError('sources', [{ path: '', message: 'Expected an array' }]);
  const ids = new Set<string>();
  return config.map((entry: unknown, i) => {
    const type = (entry as { type?: unknown } | null)?.type;
    const where = `sources[${i}]${typeof type === 'string' ? ` (${type})` : ''}`;
    if (type !== 'file' && type !== 'process' && type !== 'disk') {
      throw new ValidationError(where, [{ path: 'type', message: "Expected 'file', 'process' or 'disk'" }]);
    }
    const source = createSource(type, entry, where, deps);
    if (ids.has(source.id)) throw new ValidationError(where, [{ path: 'id', message: `duplicate id ${source.id}` }]);
    ids.add(source.id);
    return source;
  });
}

function createSource(type: 'file' | 'process' | 'disk', entry: unknown, where: string, deps: SourceDeps): Source {
  if (type === 'file') return new FileSource(validators.file(entry, where), { checkpoints: deps.checkpoints });
  if (type === 'process') {
    const c = { ...PROCESS_SOURCE_DEFAULTS, host: deps.host, ...validators.process(entry, where) };
    return new PeriodicSource(c.id, 'process', 'ec2.process', new ProcessSampler(c), { ...c, now: deps.eventNow });
  }
  const c = { ...DISK_SOURCE_DEFAULTS, host: deps.host, ...validators.disk(entry, where) };
  return new PeriodicSource(c.id, 'disk', 'ec2.disk', new DiskSampler(c), { ...c, now: deps.eventNow });
}

/** The sources an agent runs with no configuration: default log paths, processes every 10 s, disks every 60 s. */
export const DEFAULT_SOURCES_CONFIG = [
  { type: 'file', id: 'logs' },
  { type: 'process', id: 'processes' },
  { type: 'disk', id: 'disks' },
] as const;
