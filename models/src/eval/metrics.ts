import { entityKey } from '../features/entities.ts';
import type { AnomalyType, Label } from '../schema/index.ts';
import type { LabelIndex, RowRef } from './align.ts';

/** A scored row with its ground truth. */
export interface ScoredRow extends RowRef {
  score: number;
  /** The detector's guess at the type (argmax over anomaly classes). */
  predType: AnomalyType | 'unknown';
  trueType: AnomalyType | null;
}

export interface TypeMetrics {
  incidents: number;
  incidentRecall: number;
  windows: number;
  recall: number;
  precision: number;
  f1: number;
  prAuc: number;
  /** Alert episodes on normal data predicted as this type, per active entity-week. */
  falseAlarmsPerEntityWeek: number;
  delayMedianS: number;
  delayP95S: number;
}

export interface EvalReport {
  threshold: number;
  rows: number;
  entityWeeks: number;
  entityDays: number;
  overall: TypeMetrics & {
    /** Alert episodes that overlap a labelled incident, over all alert episodes. */
    alertPrecision: number;
    alerts: number;

    falseAlarms: number;
    falseAlarmWindows: number;
    falseAlarmsPerEntityDay: number;
    typeAccuracy: number;
  };
  byType: Partial<Record<AnomalyType, TypeMetrics>>;
}

const WEEK = 7 * 86_400_000;
const DAY = 86_400_000;

export function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

/** Average precision (area under the precision-recall step curve), ties broken pessimistically. */
export function averagePrecision(scores: ArrayLike<number>, positive: ArrayLike<boolean>): number {
  const idx = Array.from({ length: scores.length }, (_, i) => i);
  idx.sort((a, b) => scores[b] - scores[a] || Number(positive[a]) - Number(positive[b]));
  let totalPos = 0;
  for (let i = 0; i < positive.length; i++) if (positive[i]) totalPos++;
  if (totalPos === 0) return Number.NaN;
  let tp = 0;
  let ap = 0;
  for (let k = 0; k < idx.length; k++) {
    if (positive[idx[k]]) {
      tp++;
      ap += tp / (k + 1);
    }
  }
  return ap / totalPos;
}

/**
 * Alert episodes: consecutive firing windows of one entity (at most one window apart) are one alert, because that is
 * what an operator receives. Returns the number of episodes per predicted type among the given rows.
 */
export function countEpisodes(rows: ScoredRow[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const ep of episodes(rows)) out.set(ep[0].predType, (out.get(ep[0].predType) ?? 0) + 1);
  return out;
}

/** Alert episodes over all firing rows, and how many of them contain at least one truly anomalous window. */
export function alertPrecision(rows: ScoredRow[], threshold: number): { alerts: number; precision: number } {
  let alerts = 0;
  let good = 0;
  for (const ep of episodes(rows.filter((r) => r.score >= threshold))) {
    alerts++;
    if (ep.some((r) => r.trueType !== null)) good++;
  }
  return { alerts, precision: alerts > 0 ? good / alerts : Number.NaN };
}

/** Splits rows into per-entity runs of windows at most one window apart, each run in time order. */
function* episodes(rows: ScoredRow[]): Generator<ScoredRow[]> {
  const byEntity = new Map<string, ScoredRow[]>();
  for (const r of rows) {
    const key = entityKey(r.entity.kind, r.entity.id);
    let list = byEntity.get(key);
    if (!list) byEntity.set(key, (list = []));
    list.push(r);
  }
  for (const list of byEntity.values()) {
    list.sort((a, b) => a.start - b.start);
    let run: ScoredRow[] = [];
    for (const r of list) {
      const last = run.at(-1);
      if (last && r.start - last.end > r.end - r.start) {
        yield run;
        run = [];
      }
      run.push(r);
    }
    if (run.length > 0) yield run;
  }
}

interface Incident {
  type: AnomalyType;
  start: number;
  labels: Label[];
}

function incidentsOf(labels: readonly Label[]): Incident[] {
  const map = new Map<string, Incident>();
  for (const l of labels) {
    const inc = map.get(l.incident);
    if (inc) {
      inc.labels.push(l);
      inc.start = Math.min(inc.start, l.start);
    } else map.set(l.incident, { type: l.type, start: l.start, labels: [l] });
  }
  return [...map.values()];
}

/** First firing time per label id: the end of the earliest firing row that overlaps it. */
function firstDetections(rows: ScoredRow[], index: LabelIndex, threshold: number): Map<string, number> {
  const first = new Map<string, number>();
  for (const r of rows) {
    if (r.score < threshold) continue;
    for (const l of index.overlapping(r)) {
      const prev = first.get(l.id);
      if (prev === undefined || r.end < prev) first.set(l.id, r.end);
    }
  }
  return first;
}

function prf(tp: number, fp: number, fn: number) {
  const precision = tp + fp > 0 ? tp / (tp + fp) : Number.NaN;
  const recall = tp + fn > 0 ? tp / (tp + fn) : Number.NaN;
  const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
  return { precision, recall, f1 };
}

/**
 * Scores a detector on rows from one time span against the labels of that span. Window metrics treat each
 * entity-window as a sample; incident metrics ask whether any overlapping window fired.
 */
export function evaluate(
  rows: ScoredRow[],
  labels: readonly Label[],
  index: LabelIndex,
  threshold: number,
): EvalReport {
  const entityWeeks = new Set<string>();
  const entityDays = new Set<string>();
  for (const r of rows) {
    const key = entityKey(r.entity.kind, r.entity.id);
    entityWeeks.add(`${key}|${Math.floor(r.start / WEEK)}`);
    entityDays.add(`${key}|${Math.floor(r.start / DAY)}`);
  }
  const falseRows = rows.filter((r) => r.trueType === null && r.score >= threshold);
  const episodes = countEpisodes(falseRows);
  const firsts = firstDetections(rows, index, threshold);
  const incidents = incidentsOf(labels);
  const types = [...new Set(labels.map((l) => l.type))].sort();

  const typeMetrics = (type: AnomalyType | null): TypeMetrics => {
    const incs = type ? incidents.filter((i) => i.type === type) : incidents;
    const delays: number[] = [];
    let caught = 0;
    for (const inc of incs) {
      const times = inc.labels.map((l) => firsts.get(l.id)).filter((t): t is number => t !== undefined);
      if (times.length > 0) {
        caught++;
        delays.push(Math.max(0, Math.min(...times) - inc.start) / 1000);
      }
    }
    delays.sort((a, b) => a - b);
    const isPos = (r: ScoredRow) => (type ? r.trueType === type : r.trueType !== null);
    const predAs = (r: ScoredRow) => r.score >= threshold && (type ? r.predType === type : true);
    let tp = 0;
    let fp = 0;
    let fn = 0;
    let posFired = 0;
    let pos = 0;
    for (const r of rows) {
      if (isPos(r)) {
        pos++;
        if (r.score >= threshold) posFired++;
      }
      if (predAs(r)) r.trueType !== null ? tp++ : fp++;
    }
    fn = pos - posFired;
    const { precision } = prf(tp, fp, fn);
    const recall = pos > 0 ? posFired / pos : Number.NaN;
    const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
    const relevant = rows.filter((r) => r.trueType === null || isPos(r));
    const fa = type ? (episodes.get(type) ?? 0) : [...episodes.values()].reduce((a, b) => a + b, 0);
    return {
      incidents: incs.length,
      incidentRecall: incs.length > 0 ? caught / incs.length : Number.NaN,
      windows: pos,
      recall,
      precision,
      f1,
      prAuc: averagePrecision(
        relevant.map((r) => r.score),
        relevant.map(isPos),
      ),
      falseAlarmsPerEntityWeek: entityWeeks.size > 0 ? fa / entityWeeks.size : 0,
      delayMedianS: quantile(delays, 0.5),
      delayP95S: quantile(delays, 0.95),
    };
  };

  const fired = rows.filter((r) => r.score >= threshold && r.trueType !== null);
  const alertsAt = alertPrecision(rows, threshold);

  const overall = typeMetrics(null);
  const falseAlarms = [...episodes.values()].reduce((a, b) => a + b, 0);
  return {
    threshold,
    rows: rows.length,
    entityWeeks: entityWeeks.size,
    entityDays: entityDays.size,
    overall: {
      ...overall,
      alertPrecision: alertsAt.precision,
      alerts: alertsAt.alerts,
      falseAlarms,

      falseAlarmWindows: falseRows.length,
      falseAlarmsPerEntityDay: entityDays.size > 0 ? falseAlarms / entityDays.size : 0,
      typeAccuracy:
        fired.length > 0 ? fired.filter((r) => r.predType === r.trueType).length / fired.length : Number.NaN,
    },
    byType: Object.fromEntries(types.map((t) => [t, typeMetrics(t)])),
  };
}

/**
 * The operating point, chosen on validation only: the highest threshold that still catches `recallTarget` of the
 * incidents, never below the false-alarm budget's floor. Highest means fewest alerts, so this is the best alert
 * precision available at the recall the product promises. If the floor itself cannot reach the target, the floor.
 */
export function chooseThreshold(
  rows: ScoredRow[],
  labels: readonly Label[],
  index: LabelIndex,
  budget: number,
  recallTarget = 0.95,
) {
  const floor = thresholdForBudget(rows, budget);
  const scores = [...new Set(rows.filter((r) => r.score >= floor).map((r) => r.score))].sort((a, b) => a - b);
  const recallAt = (t: number) => evaluate(rows, labels, index, t).overall.incidentRecall;
  // Incident recall only falls as the threshold rises: binary search the last score that keeps the target.
  let lo = 0;
  let hi = scores.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (recallAt(scores[mid]) >= recallTarget) lo = mid + 1;
    else hi = mid;
  }
  const threshold = lo > 0 ? scores[lo - 1] : floor;
  return { threshold, floor, recallTarget };
}

/**
 * The lowest threshold whose false-alarm episodes on normal rows stay within the budget (per active entity-week).
 * Chosen on validation rows only and then frozen.
 */
export function thresholdForBudget(rows: ScoredRow[], budgetPerEntityWeek: number): number {
  const entityWeeks = new Set(rows.map((r) => `${entityKey(r.entity.kind, r.entity.id)}|${Math.floor(r.start / WEEK)}`))
    .size;
  const allowed = budgetPerEntityWeek * entityWeeks;
  const normalScores = [...new Set(rows.filter((r) => r.trueType === null).map((r) => r.score))].sort((a, b) => b - a);
  let lo = 0;
  let hi = normalScores.length; // candidate thresholds: just above each normal score
  // Episodes grow as the threshold falls; binary search the last candidate that stays within budget.
  const episodesAt = (thr: number) => {
    const fr = rows.filter((r) => r.trueType === null && r.score >= thr);
    return [...countEpisodes(fr).values()].reduce((a, b) => a + b, 0);
  };
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (episodesAt(normalScores[mid]) <= allowed) lo = mid + 1;
    else hi = mid;
  }
  if (lo === 0) return normalScores.length > 0 ? Math.min(1, normalScores[0] + 1e-6) : 0.5;
  return normalScores[lo - 1];
}
