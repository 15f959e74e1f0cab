import type { AgentConfig } from './load.ts';

/** The sources' own config list for createSources (which validates each entry against its schema again). */
export function sourceConfigs(cfg: AgentConfig): Record<string, unknown>[] {
  const { files, process: proc, disk } = cfg.sources;
  const { enabled: _f, ...fileOpts } = files;
  const { enabled: _p, ...procOpts } = proc;
  const { enabled: _d, ...diskOpts } = disk;
  const list: Record<string, unknown>[] = [];
  // The tailer's unacked-batch bound is the pipeline's queue bound: at it, reading pauses (nothing is dropped).
  const bound = { maxInFlightBatches: cfg.limits.queueBatches, maxInFlightBytes: cfg.limits.queueBytes };
  if (files.enabled) list.push({ type: 'file', id: 'files', root: cfg.root, ...fileOpts, ...bound });
  if (proc.enabled) list.push({ type: 'process', id: 'processes', ...procOpts });
  if (disk.enabled) list.push({ type: 'disk', id: 'disks', ...diskOpts });
  return list;
}
