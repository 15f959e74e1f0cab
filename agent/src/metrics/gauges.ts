import type { FeatureEngine } from '../../../models/src/features/engine.ts';
import type { ModelSlot } from '../pipeline/model-slot.ts';
import type { Pipeline } from '../pipeline/pipeline.ts';
import type { Source } from '../sources/source.ts';
import type { StateDb } from '../state/index.ts';
import type { Registry } from './registry.ts';

export interface GaugeSources {
  pipeline: Pipeline;
  sources: Source[];
  db: StateDb;
  slot: ModelSlot;
  engine: FeatureEngine;
}

/** Gauges read at scrape time: queue depth and age, per-file lag, spool, model, engine size. */
export function attachGauges(r: Registry, g: GaugeSources): void {
  r.gauge(
    'vigil_agent_queue_batches',
    'Source batches waiting for the pipeline',
    () => g.pipeline.stats().queue.batches,
  );
  r.gauge('vigil_agent_queue_lines', 'Lines waiting for the pipeline', () => g.pipeline.stats().queue.lines);
  r.gauge(
    'vigil_agent_queue_oldest_seconds',
    'Age of the oldest waiting batch',
    () => g.pipeline.stats().queue.oldestMs / 1000,
  );
  r.gauge(
    'vigil_agent_lag_bytes',
    'Bytes written to tailed files but not yet acknowledged',
    () =>
      g.sources.flatMap((s) =>
        (s.stats().files ?? []).map((f): [Record<string, string>, number] => [{ path: f.path }, f.lagBytes]),
      ),
    ['path'],
  );
  r.gauge('vigil_agent_spool_items', 'Items waiting in the outbound spool', () => g.db.spool.stats().count);
  r.gauge('vigil_agent_spool_bytes', 'Bytes waiting in the outbound spool', () => g.db.spool.stats().bytes);
  r.gauge(
    'vigil_agent_model_info',
    'Loaded model bundle',
    () => (g.slot.current ? [[{ version: g.slot.current.version }, 1]] : []),
    ['version'],
  );
  r.gauge('vigil_agent_feature_entities', 'Entities tracked by the feature engine', () => g.engine.getStats().entities);
}
