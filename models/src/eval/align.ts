import { entityKey } from '../features/entities.ts';
import type { AnomalyType, EntityRef, Label } from '../schema/index.ts';

/** The part of a feature row the evaluation needs. */
export interface RowRef {
  entity: EntityRef;
  start: number;
  end: number;
}

/**
 * The entities a label is "about": its own entity plus the identities in its targets. A brute-force label on an IP
 * also makes the attacked host's windows positive, because a detector that fires on the host during the attack has
 * found the attack, not raised a false alarm.
 */
export function relatedEntityKeys(label: Label): string[] {
  const keys = [entityKey(label.entity.kind, label.entity.id)];
  const t = label.targets ?? {};
  if (typeof t.ip === 'string') keys.push(entityKey('ip', t.ip));
  if (typeof t.host === 'string') keys.push(entityKey('host', t.host));
  if (typeof t.user === 'string') keys.push(entityKey('user', t.user));
  if (typeof t.principal === 'string') keys.push(entityKey('user', t.principal));
  if (typeof t.function === 'string') keys.push(entityKey('function', t.function));
  if (typeof t.eni === 'string') keys.push(entityKey('eni', t.eni));
  if (typeof t.account === 'string') keys.push(entityKey('account', t.account));
  return [...new Set(keys)];
}

/** Labels indexed by related entity, each list sorted by start, for overlap queries. */
export class LabelIndex {
  private readonly byEntity = new Map<string, Label[]>();

  constructor(readonly labels: readonly Label[]) {
    for (const l of labels) {
      for (const key of relatedEntityKeys(l)) {
        let list = this.byEntity.get(key);
        if (!list) this.byEntity.set(key, (list = []));
        list.push(l);
      }
    }
    for (const list of this.byEntity.values()) list.sort((a, b) => a.start - b.start);
  }

  /** Labels whose span overlaps the row's window on a related entity. */
  overlapping(row: RowRef): Label[] {
    const list = this.byEntity.get(entityKey(row.entity.kind, row.entity.id));
    if (!list) return [];
    const out: Label[] = [];
    for (const l of list) {
      if (l.start >= row.end) break;
      if (l.end > row.start) out.push(l);
    }
    return out;
  }

  /** The row's ground truth: the type of the most intense overlapping label, or null for normal. */
  typeOf(row: RowRef): AnomalyType | null {
    let best: Label | null = null;
    for (const l of this.overlapping(row)) if (!best || l.intensity > best.intensity) best = l;
    return best ? best.type : null;
  }
}
