import { relatedEntityKeys } from '../eval/align.ts';
import { entitiesOf, entityKey } from '../features/entities.ts';
import type { Label, LogEvent } from '../schema/index.ts';
import { iterateDataset, type ScenarioFile } from '../synth/index.ts';

/**
 * Which raw lines of a generated dataset belong to which injected anomaly. The generator is deterministic, so the
 * dataset is regenerated in memory from its manifest's scenario and each record's label id is kept. Returns null for
 * datasets the generator did not write (real logs): training then falls back to label spans.
 */
export function labelledLines(manifest: {
  generator?: string;
  scenario?: Record<string, unknown>;
  records?: number;
}): Map<string, string> | null {
  if (manifest.generator !== 'vigil-synth' || !manifest.scenario) return null;
  // The manifest holds the resolved scenario; as a scenario file, per-type anomaly settings sit under `types`.
  const { startMs: _s, endMs: _e, anomalies, ...rest } = manifest.scenario;
  const scenario = { ...rest, anomalies: { types: anomalies } };
  const out = new Map<string, string>();
  let n = 0;
  for (const r of iterateDataset({ scenario: scenario as ScenarioFile })) {
    n++;
    if (r.label) out.set(`${r.file}\n${r.line}`, r.label);
  }
  if (manifest.records !== undefined && n !== manifest.records) {
    throw new Error(
      `regenerating the dataset gave ${n} records, its manifest says ${manifest.records}: not the same generator version`,
    );
  }
  return out;
}

/**
 * Entity-windows that contain at least one injected event: the unambiguous positives for training. A window inside a
 * long low-and-slow label that holds no attack event is neither positive nor negative evidence, and is left out of
 * training (evaluation still uses the label spans).
 */
export function evidenceWindows(
  events: LogEvent[],
  eventLabels: (string | undefined)[],
  labels: Label[],
  windowMs: number,
) {
  const byId = new Map(labels.map((l) => [l.id, { type: l.type, related: new Set(relatedEntityKeys(l)) }]));
  const out = new Map<string, Label['type']>();
  const scratch: { kind: Label['entity']['kind']; id: string }[] = [];
  for (let i = 0; i < events.length; i++) {
    const id = eventLabels[i];
    if (id === undefined) continue;
    const label = byId.get(id);
    if (!label) continue;
    const w = Math.floor(events[i].ts / windowMs);
    for (const ref of entitiesOf(events[i], scratch)) {
      // Only the entities the label is about: an injected S3 read also lands in the account-wide window, where it is
      // not what makes the account anomalous.
      const key = entityKey(ref.kind, ref.id);
      if (label.related.has(key)) out.set(`${key}|${w}`, label.type);
    }
  }
  return out;
}
