import type { Label } from '../../schema/index.ts';
import { OTHER_USER } from './series.ts';
import type { ForecastRecord, KeyedSeries } from './types.ts';

/** Consecutive anomalous buckets of one series (gap ≤ one bucket) are one alarm: that is what an operator receives. */
export interface AlarmEpisode {
  seriesKey: string;
  start: number;
  end: number;
  maxScore: number;
  buckets: number;
}

export function toEpisodes(anomalous: ForecastRecord[]): AlarmEpisode[] {
  const sorted = [...anomalous].sort((a, b) =>
    a.seriesKey < b.seriesKey ? -1 : a.seriesKey > b.seriesKey ? 1 : a.start - b.start,
  );
  const out: AlarmEpisode[] = [];
  let cur: AlarmEpisode | null = null;
  for (const r of sorted) {
    const step = r.end - r.start;
    if (cur && cur.seriesKey === r.seriesKey && r.start <= cur.end + step) {
      cur.end = Math.max(cur.end, r.end);
      cur.maxScore = Math.max(cur.maxScore, r.score);
      cur.buckets++;
      continue;
    }
    cur = { seriesKey: r.seriesKey, start: r.start, end: r.end, maxScore: r.score, buckets: 1 };
    out.push(cur);
  }
  return out;
}

/**
 * Whether an alarm on this series can be explained by the label: account series see every injected incident (all of
 * them add account activity), service series those of their source, user series those naming the user as entity or
 * target principal, and the merged `__other__` user series any user-level label.
 */
export function seriesCoversLabel(s: Pick<KeyedSeries, 'scope' | 'entity' | 'source'>, l: Label): boolean {
  if (s.scope === 'account') return true;
  if (s.scope === 'service') return l.source === s.source;
  if (s.entity.id === OTHER_USER) return l.entity.kind === 'user';
  return l.entity.id === s.entity.id || l.targets?.principal === s.entity.id;
}

export const overlaps = (a: { start: number; end: number }, b: { start: number; end: number }) =>
  a.start < b.end && b.start < a.end;
