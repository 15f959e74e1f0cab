import { type Static, type TSchema, Type } from '@sinclair/typebox';
import type { KpiReport } from './kpi-types.ts';

/** TypeBox mirror of KpiReport for the route's response (OpenAPI and serialization); kept equal by the check below. */
const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);
const Int = Type.Integer();
const KeyCount = Type.Object({ key: Type.String(), count: Int });
const Duration = Type.Object({
  n: Int,
  p50Ms: Nullable(Type.Number()),
  p90Ms: Nullable(Type.Number()),
  meanMs: Nullable(Type.Number()),
});
const Tally = Type.Object({ success: Int, failure: Int, rate: Nullable(Type.Number()) });
const Counts = { total: Int, open: Int, acknowledged: Int, resolved: Int, falsePositive: Int };
const Precision = { confirmed: Int, falsePositive: Int, precision: Nullable(Type.Number()) };

export const KpiReportSchema = Type.Object({
  window: Type.Object({ from: Type.Number(), to: Type.Number(), bucketMs: Type.Number() }),
  buckets: Type.Array(Type.Number()),
  anomalies: Type.Object({
    total: Int,
    byType: Type.Array(KeyCount),
    bySource: Type.Array(KeyCount),
    bySeverity: Type.Array(KeyCount),
    seriesByType: Type.Record(Type.String(), Type.Array(Int)),
    detectionLatency: Duration,
  }),
  incidents: Type.Object({
    ...Counts,
    byType: Type.Array(Type.Object({ type: Type.String(), ...Counts })),
    openedSeries: Type.Array(Int),
  }),
  precision: Type.Object({
    incidents: Type.Object({ ...Precision, byType: Type.Array(Type.Object({ type: Type.String(), ...Precision })) }),
    labels: Type.Object({ ...Precision, benign: Int, unsure: Int }),
  }),
  mttd: Duration,
  mttr: Duration,
  actions: Type.Object({
    total: Int,
    byDecision: Type.Array(KeyCount),
    dryRuns: Int,
    executed: Tally,
    autonomous: Type.Object({ ...Tally.properties, timeToFix: Duration }),
    approved: Tally,
    byPlaybook: Type.Array(Type.Object({ playbook: Type.String(), recommended: Int, auto: Tally, approved: Tally })),
  }),
  uptime: Type.Object({
    staleAfterMs: Type.Number(),
    fleetMean: Nullable(Type.Number()),
    hosts: Type.Array(
      Type.Object({
        agentId: Type.String(),
        hostname: Type.String(),
        status: Type.String(),
        observedMs: Type.Number(),
        liveMs: Type.Number(),
        uptime: Nullable(Type.Number()),
      }),
    ),
  }),
  top: Type.Object({ hosts: Type.Array(KeyCount), users: Type.Array(KeyCount) }),
});

// Compile-time proof that the schema and the interface describe the same object, in both directions.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const schemaMatchesType: Same<Static<typeof KpiReportSchema>, KpiReport> = true;
void schemaMatchesType;
