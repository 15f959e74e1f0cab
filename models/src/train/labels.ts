import { LabelIndex } from '../eval/align.ts';
import type { AnomalyType, Label } from '../schema/index.ts';
import type { RowSet } from './rows.ts';

/** Ground truth per row: the anomaly type of an overlapping label on a related entity, or null. */
export function rowTruth(rows: RowSet, labels: readonly Label[]): { index: LabelIndex; types: (AnomalyType | null)[] } {
  const index = new LabelIndex(labels);
  const types: (AnomalyType | null)[] = new Array(rows.length);
  for (let i = 0; i < rows.length; i++) {
    types[i] = index.typeOf({ entity: rows.entities[i], start: rows.starts[i], end: rows.ends[i] });
  }
  return { index, types };
}
