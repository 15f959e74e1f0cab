import type { Anomaly, LogEvent, LogSource } from '../../../models/src/schema/index.ts';
import type { Db } from '../db/db.ts';
import type { CloudDetector } from '../detect/cloud-detector.ts';
import type { FleetCorrelator } from '../detect/correlator.ts';
import type { RegionRule } from '../detect/region-rule.ts';
import { cloudOrigin, storeCloudAnomalies } from '../detect/store.ts';
import type { EventCounter } from '../forecast/counts.ts';

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

/**
 * The scoring sink every cloud path shares: model scores per source, the unusual-region rule on CloudTrail, and
 * fleet correlation of whatever was newly stored. `onIncidents` receives the incidents that were opened or grew
 * (the plugin emits `incident.changed` for them, which drives alerts and the console).
 */
export function cloudSink(
  detector: CloudDetector,
  correlator: FleetCorrelator,
  regions: RegionRule,
  clock: () => number,
  onIncidents: (ids: string[]) => void = () => {},
  counter?: EventCounter,
): EventSink {
  return {
    async score(source: LogSource, events) {
      counter?.stage(source, events);
      const { anomalies } = await detector.ingest(source, events);
      if (source === 'cloudtrail') anomalies.push(...(await regions.observe(events, clock())));
      return anomalies;
    },
    async stored(source, _anomalies, newIds) {
      await counter?.commit(source); // after the page committed: a re-pulled page is never counted twice
      const ids = await correlator.correlate(cloudOrigin(source), [...newIds], clock());
      if (ids.length > 0) onIncidents([...new Set(ids)]);
    },
  };
}
