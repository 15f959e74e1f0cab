import type { Anomaly, LogEvent, LogSource } from '../../../models/src/schema/index.ts';
import type { Db } from '../db/db.ts';
import type { CloudDetector } from '../detect/cloud-detector.ts';
import { storeCloudAnomalies } from '../detect/store.ts';

/** Where parsed cloud events go: the scoring service, which returns the anomalies to store. */
export interface EventSink {
  score(source: LogSource, events: readonly LogEvent[]): Promise<Anomaly[]>;
  /** Called after anomalies are committed (fleet correlation, alerts). */
  stored?(source: LogSource, anomalies: readonly Anomaly[], newIds: Set<string>): Promise<void>;
}

export function detectorSink(detector: CloudDetector, after?: EventSink['stored']): EventSink {
  return {
    score: async (source, events) => (await detector.ingest(source, events)).anomalies,
    stored: after,
  };
}

/** Stores a page's anomalies and advances its checkpoint in ONE transaction: both happen, or neither. */
export async function commitPage(
  db: Db,
  source: LogSource,
  anomalies: readonly Anomaly[],
  now: number,
  saveCheckpoint: (tx: Parameters<Parameters<Db['transaction']>[0]>[0]) => Promise<void>,
): Promise<Set<string>> {
  return db.transaction(async (tx) => {
    const ids = await storeCloudAnomalies(tx, source, anomalies, now);
    await saveCheckpoint(tx);
    return ids;
  });
}
