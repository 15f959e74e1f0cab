import type { WindowRow } from '../../../models/src/features/engine.ts';
import { anomalyFromRow, type BundleScorer, type RowScore } from '../../../models/src/onnx/row-scorer.ts';
import type { Anomaly, LogSource } from '../../../models/src/schema/index.ts';
import { uuidv7 } from './ids.ts';

export interface AnomalyOptions {
  host: string;
  evidenceLines: number;
  topFeatures: number;
  now?: () => number;
}

const SOURCE_BY_TYPE: Partial<Record<Anomaly['type'], LogSource>> = {
  ssh_brute_force: 'ec2.auth',
  credential_stuffing: 'ec2.auth',
  suspicious_command: 'ec2.auth',
  behavior_change: 'ec2.auth',
  crypto_miner: 'ec2.process',
  disk_fill: 'ec2.disk',
  unexpected_package: 'ec2.syslog',
};

/** The log source an anomaly is reported under: by type, else by what the entity kind is fed from on a host. */
export function sourceOf(type: Anomaly['type'], row: WindowRow): LogSource {
  const byType = SOURCE_BY_TYPE[type];
  if (byType) return byType;
  if (row.entity.kind === 'ip' || row.entity.kind === 'user') return 'ec2.auth';
  if (row.targets.pid !== undefined) return 'ec2.process';
  if (row.targets.mount !== undefined) return 'ec2.disk';
  return 'ec2.syslog';
}

/** Builds the contract's Anomaly for a row the detector scored over its threshold, with its evidence. */
export function buildAnomaly(row: WindowRow, s: RowScore, scorer: BundleScorer, opts: AnomalyOptions): Anomaly {
  const now = (opts.now ?? Date.now)();
  return anomalyFromRow(row, s, scorer, {
    id: uuidv7(now),
    source: sourceOf(s.type, row),
    now,
    topFeatures: opts.topFeatures,
    evidenceLines: opts.evidenceLines,
    host: opts.host,
  });
}

/** What a playbook would act on: a host window can point at a different process or mount later in the window. */
function targetSignature(t: WindowRow['targets']): string {
  if (t.pid !== undefined) return `pid:${t.pid}@${t.startTicks ?? t.startTime ?? ''}`;
  if (t.mount !== undefined) return `mount:${t.mount}`;
  return '';
}

/**
 * One anomaly per entity, window and target: a provisional snapshot that fires and the final row of the same window
 * are the same finding, but a host whose top process changes (a second miner) is a new one. Bounded: entries of
 * windows that have ended are pruned when the map grows.
 */
export class AnomalyDedupe {
  private readonly raised = new Map<string, number>();
  constructor(private readonly max = 100_000) {}

  /** True the first time an entity's window (with these targets) is seen over the threshold. */
  first(row: WindowRow): boolean {
    const key = `${row.entity.kind}\u0000${row.entity.id}\u0000${targetSignature(row.targets)}`;
    if (this.raised.get(key) === row.start) return false;
    if (this.raised.size >= this.max) this.prune(row.start);
    this.raised.set(key, row.start);
    return true;
  }

  private prune(currentStart: number): void {
    for (const [k, start] of this.raised) if (start < currentStart) this.raised.delete(k);
    if (this.raised.size >= this.max) this.raised.clear(); // all current: forget rather than grow without bound
  }

  get size(): number {
    return this.raised.size;
  }
}
