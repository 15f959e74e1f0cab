import { createHash } from 'node:crypto';
import type { WindowRow } from '../../../models/src/features/engine.ts';
import { anomalyFromRow, type BundleScorer, type RowScore } from '../../../models/src/onnx/row-scorer.ts';
import type { Anomaly, AnomalyType, LogSource } from '../../../models/src/schema/index.ts';

const SOURCE_BY_TYPE: Partial<Record<AnomalyType, LogSource>> = {
  lambda_timeout: 'lambda',
  lambda_memory: 'lambda',
  lambda_errors: 'lambda',
  lambda_request_spike: 'lambda',
  s3_sensitive_download: 's3',
  s3_unauthorized_burst: 's3',
  s3_mass_delete: 's3',
  port_scan: 'vpc',
  ddos: 'vpc',
  unusual_protocol: 'vpc',
  internal_exfil: 'vpc',
  unusual_region: 'cloudtrail',
  iam_persistence: 'cloudtrail',
};

/** The source an anomaly is filed under: by type when the type names one, else the stream the row came from. */
export function cloudSourceOf(type: Anomaly['type'], fallback: LogSource): LogSource {
  return (type !== 'unknown' && SOURCE_BY_TYPE[type]) || fallback;
}

/**
 * Deterministic id per (source, entity, window): a provisional snapshot and the final row of the same window, or a
 * Lambda retry of the same batch, map to one stored anomaly (insertAnomalies is idempotent on origin + id).
 */
export function cloudAnomalyId(source: LogSource, row: WindowRow): string {
  const h = createHash('sha256').update(`${source}\u0000${row.entity.kind}\u0000${row.entity.id}\u0000${row.start}`);
  return `cl_${h.digest('hex').slice(0, 40)}`;
}

/** The contract's Anomaly for a cloud row the detector scored over its threshold. */
export function buildCloudAnomaly(
  row: WindowRow,
  s: RowScore,
  scorer: BundleScorer,
  stream: LogSource,
  opts: { now: number; topFeatures: number; evidenceLines: number },
): Anomaly {
  return anomalyFromRow(row, s, scorer, {
    id: cloudAnomalyId(stream, row),
    source: cloudSourceOf(s.type, stream),
    ...opts,
  });
}
