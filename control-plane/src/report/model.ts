import { Type } from '@sinclair/typebox';
import { compileValidator } from '../../../models/src/schema/validate.ts';
import { DEFAULT_OUTAGE_TYPES, type DowntimeEstimate, estimateDowntimeAvoided } from '../analytics/downtime.ts';
import { computeKpis, defaultBucketMs, type KpiReport, type KpiWindow } from '../analytics/kpis.ts';
import type { Db } from '../db/db.ts';
import { type Definition, definitions } from './definitions.ts';
import { count, duration, percent } from './format.ts';

const MeasuredRunSchema = Type.Object(
  { downtimeMs: Type.Number({ minimum: 0 }) },
  { additionalProperties: Type.Union([Type.Number(), Type.String({ maxLength: 500 })]) },
);

/**
 * A measured comparison (issue 9's live demo): the same replay with response `off` and `auto`, and the downtime
 * each produced. Extra fields per run (outages, spanMs, notes, ...) are shown as given.
 */
export const MeasuredUptimeSchema = Type.Object(
  { off: MeasuredRunSchema, auto: MeasuredRunSchema, method: Type.String({ minLength: 1, maxLength: 2000 }) },
  { additionalProperties: false },
);
export interface MeasuredRun {
  downtimeMs: number;
  [detail: string]: number | string;
}
export interface MeasuredUptime {
  off: MeasuredRun;
  auto: MeasuredRun;
  /** How downtime was measured (probe, interval, what counted as down), shown verbatim in the report. */
  method: string;
}
const checkMeasured = compileValidator(MeasuredUptimeSchema);
/** Validates a measured section from JSON; the error names the bad key. */
export const checkMeasuredUptime = (value: unknown, where: string): MeasuredUptime =>
  checkMeasured(value, where) as MeasuredUptime;

export interface Headline {
  label: string;
  value: string;
  detail: string;
}

export interface ReportModel {
  title: string;
  generatedAt: number;
  window: KpiWindow;
  kpis: KpiReport;
  headline: Headline[];
  uptimeImprovement: {
    estimate: DowntimeEstimate & {
      assumption: string;
      /** Fleet uptime had every avoided minute been downtime instead (fleet-host time basis); null without hosts. */
      uptimeWithoutFixes: number | null;
    };
    measured: (MeasuredUptime & { avoidedMs: number; reduction: number | null }) | null;
  };
  definitions: Definition[];
}

export interface ReportOptions {
  from: number;
  to: number;
  bucketMs?: number;
  /** Assumed time from first evidence until a person would have acted; default 30 min. */
  humanResponseMs?: number;
  outageTypes?: readonly string[];
  staleAfterMs?: number;
  measured?: MeasuredUptime;
  generatedAt: number;
  title?: string;
}

export async function buildReport(db: Db, o: ReportOptions): Promise<ReportModel> {
  const window = { from: o.from, to: o.to, bucketMs: o.bucketMs ?? defaultBucketMs(o.from, o.to, 45) };
  const humanResponseMs = o.humanResponseMs ?? 30 * 60_000;
  const staleAfterMs = o.staleAfterMs ?? 180_000;
  const outageTypes = [...(o.outageTypes ?? DEFAULT_OUTAGE_TYPES)];
  const kpis = await computeKpis(db, window, { staleAfterMs });
  const est = await estimateDowntimeAvoided(db, window, humanResponseMs, outageTypes);
  const observedMs = kpis.uptime.hosts.reduce((s, h) => s + h.observedMs, 0);
  const liveMs = kpis.uptime.hosts.reduce((s, h) => s + h.liveMs, 0);
  const estimate = {
    ...est,
    assumption:
      `Without autonomous response, an outage-type anomaly (${outageTypes.join(', ')}) is assumed to keep its host ` +
      `degraded from the first evidence until a person responds, ${duration(humanResponseMs)} later, and the person ` +
      'is assumed to fix it at once. Avoided downtime per fix = that time − the actual time to fix, never below zero.',
    uptimeWithoutFixes: observedMs > 0 ? Math.max(0, liveMs - est.avoidedMs) / observedMs : null,
  };
  const measured = o.measured
    ? {
        ...o.measured,
        avoidedMs: o.measured.off.downtimeMs - o.measured.auto.downtimeMs,
        reduction: o.measured.off.downtimeMs > 0 ? 1 - o.measured.auto.downtimeMs / o.measured.off.downtimeMs : null,
      }
    : null;
  const uptimeImprovement = { estimate, measured };
  return {
    title: o.title ?? 'Vigil security and reliability report',
    generatedAt: o.generatedAt,
    window,
    kpis,
    headline: headline(kpis, uptimeImprovement),
    uptimeImprovement,
    definitions: definitions({ staleAfterMs, humanResponseMs, outageTypes }),
  };
}

function headline(k: KpiReport, u: ReportModel['uptimeImprovement']): Headline[] {
  const a = k.actions.autonomous;
  const closed = k.precision.incidents;
  const avoided = u.measured
    ? { value: duration(u.measured.avoidedMs), detail: `measured: ${u.measured.method.slice(0, 80)}` }
    : {
        value: `≈ ${duration(u.estimate.avoidedMs)}`,
        detail: `estimate, ${count(u.estimate.fixes)} fixes vs a ${duration(u.estimate.humanResponseMs)} human response`,
      };
  return [
    {
      label: 'Incidents',
      value: count(k.incidents.total),
      detail: `${count(k.incidents.resolved)} resolved, ${count(k.incidents.open + k.incidents.acknowledged)} still open`,
    },
    {
      label: 'Alert precision',
      value: percent(closed.precision, 0),
      detail: `${count(closed.confirmed)} confirmed, ${count(closed.falsePositive)} false positives`,
    },
    {
      label: 'Detect / resolve (median)',
      value: `${duration(k.mttd.p50Ms)} / ${duration(k.mttr.p50Ms)}`,
      detail: `MTTD over ${count(k.mttd.n)}, MTTR over ${count(k.mttr.n)} incidents`,
    },
    {
      label: 'Autonomous fix success',
      value: percent(a.rate, 0),
      detail: `${count(a.success)} of ${count(a.success + a.failure)} autonomous actions`,
    },
    { label: 'Downtime avoided', ...avoided },
    { label: 'Fleet uptime', value: percent(k.uptime.fleetMean, 2), detail: `${k.uptime.hosts.length} hosts` },
  ];
}
