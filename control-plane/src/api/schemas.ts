/**
 * The wire contract of /v1 (docs/api.md describes it for people). Agent payloads reuse models/src/schema, so an
 * Anomaly means the same thing on the host, on the wire and in the store.
 */
import { type Static, type TLiteral, type TSchema, type TUnion, Type } from '@sinclair/typebox';
import { AnomalySchema, SeveritySchema } from '../../../models/src/schema/index.ts';
import { ROLES } from '../auth/tokens.ts';

const Obj = <T extends Record<string, TSchema>>(props: T, opts: { $id?: string; description?: string } = {}) =>
  Type.Object(props, { additionalProperties: false, ...opts });
const Str = (maxLength: number, opts: Record<string, unknown> = {}) => Type.String({ maxLength, ...opts });
const Count = Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER });
const EpochMs = Type.Integer({ minimum: 0, maximum: 8.64e15, description: 'epoch milliseconds UTC' });
const Opt = Type.Optional;
const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);
const literals = <const T extends readonly string[]>(values: T) =>
  Type.Union(values.map((v) => Type.Literal(v))) as unknown as TUnion<{ -readonly [K in keyof T]: TLiteral<T[K]> }>;

/** Safe identifier alphabets: these values are shown in the console and used as filters. */
const INSTANCE_ID = '^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$';
const HOSTNAME = '^[A-Za-z0-9][A-Za-z0-9._-]{0,252}$';
const VERSION = '^[A-Za-z0-9][A-Za-z0-9.+_-]{0,63}$';
const LABEL = '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$';
export const IDEMPOTENCY_KEY = '^[A-Za-z0-9._:-]{1,128}$';

export const InventorySchema = Obj(
  {
    instanceId: Str(128, { pattern: INSTANCE_ID, description: 'EC2 instance id (i-0abc...) or a stable host id' }),
    hostname: Str(253, { pattern: HOSTNAME }),
    instanceType: Opt(Str(64, { pattern: LABEL })),
    region: Opt(Str(64, { pattern: LABEL })),
    az: Opt(Str(64, { pattern: LABEL })),
    agentVersion: Str(64, { pattern: VERSION }),
    modelVersion: Opt(Str(64, { pattern: VERSION })),
  },
  { description: 'what the host is and runs' },
);
export type Inventory = Static<typeof InventorySchema>;

export const CountersSchema = Obj(
  {
    lines: Count,
    anomalies: Count,
    actions: Count,
    spoolDepth: Count,
  },
  { description: 'totals since the agent process started; spoolDepth = items waiting to be sent' },
);
export type Counters = Static<typeof CountersSchema>;

export const EnrollRequestSchema = Obj({
  token: Str(64, { minLength: 50, description: 'one-time enrollment token vgl_en_...' }),
  inventory: InventorySchema,
});
export const EnrollResponseSchema = Obj({
  agentId: Type.String(),
  credentialId: Type.String(),
  credential: Type.String({ description: 'vgl_ag_... secret; returned once, store it (mode 0600)' }),
  heartbeatIntervalSeconds: Type.Integer(),
});

export const RotateResponseSchema = Obj({
  credentialId: Type.String(),
  credential: Type.String({ description: 'the new vgl_ag_... secret; returned once' }),
  previousValidUntil: EpochMs,
});

export const HeartbeatRequestSchema = Obj({
  inventory: InventorySchema,
  counters: CountersSchema,
  sentAt: Opt(EpochMs),
});
export type HeartbeatRequest = Static<typeof HeartbeatRequestSchema>;
export const HeartbeatResponseSchema = Obj({
  serverTime: EpochMs,
  heartbeatIntervalSeconds: Type.Integer(),
  staleAfterSeconds: Type.Integer(),
});

export const IdempotencyHeaderSchema = Type.Object({
  'idempotency-key': Opt(Type.String({ pattern: IDEMPOTENCY_KEY })),
});

export const anomalyBatchSchema = (maxItems: number) =>
  Obj({ anomalies: Type.Array(AnomalySchema, { minItems: 1, maxItems }) });

const Facts = Type.Record(Type.String({ maxLength: 64 }), Type.Union([Str(1024), Type.Number(), Type.Boolean()]));
const StageResult = Obj({ ok: Type.Boolean(), detail: Str(2048), facts: Opt(Facts) });

/** One action record, the same fields as the agent's local action audit log. */
export const ActionReportSchema = Obj(
  {
    id: Str(128, { pattern: IDEMPOTENCY_KEY, description: 'unique per agent; the idempotency key of this item' }),
    playbook: Str(64, { pattern: LABEL }),
    mode: literals(['off', 'recommend', 'auto'] as const),
    decision: literals(['executed', 'recommended', 'rejected', 'refused', 'denied', 'expired', 'error'] as const),
    result: literals(['success', 'failure', 'none'] as const),
    dryRun: Type.Boolean(),
    why: Str(2048),
    anomalyId: Opt(Str(128)),
    anomalyType: Opt(Str(64)),
    severity: Opt(SeveritySchema),
    score: Opt(Type.Number({ minimum: 0, maximum: 1 })),
    model: Opt(Str(64)),
    modelVersion: Opt(Str(64)),
    target: Opt(Str(512)),
    evidence: Opt(
      Obj({
        targets: Opt(Type.Record(Type.String({ maxLength: 64 }), Type.Union([Str(512), Type.Number()]))),
        topFeatures: Type.Array(Str(128), { maxItems: 32 }),
        lines: Type.Array(Str(8192), { maxItems: 32 }),
      }),
    ),
    plan: Opt(Facts),
    exec: Opt(StageResult),
    verify: Opt(StageResult),
    recommendationId: Opt(Str(128)),
    approvedBy: Opt(Str(128)),
    startedAt: EpochMs,
    finishedAt: EpochMs,
  },
  { description: 'one action record (mirrors the agent action audit log)' },
);
export type ActionReport = Static<typeof ActionReportSchema>;

export const actionBatchSchema = (maxItems: number) =>
  Obj({ actions: Type.Array(ActionReportSchema, { minItems: 1, maxItems }) });

export const BatchResultSchema = Obj({
  accepted: Count,
  duplicates: Count,
  replayed: Type.Boolean({ description: 'the Idempotency-Key was seen before with the same body' }),
  results: Type.Array(Obj({ id: Type.String(), status: literals(['accepted', 'duplicate'] as const) })),
});
export type BatchResult = Static<typeof BatchResultSchema>;

export const RoleSchema = literals(ROLES);

export const EnrollmentTokenCreateSchema = Obj({
  ttlSeconds: Opt(Type.Integer({ minimum: 60, maximum: 30 * 86_400 })),
  note: Opt(Str(256)),
});
export const EnrollmentTokenCreatedSchema = Obj({
  id: Type.String(),
  token: Type.String({ description: 'vgl_en_...; returned once' }),
  expiresAt: EpochMs,
});
export const EnrollmentTokenViewSchema = Obj({
  id: Type.String(),
  note: Nullable(Type.String()),
  createdBy: Type.String(),
  createdAt: EpochMs,
  expiresAt: EpochMs,
  usedAt: Nullable(EpochMs),
  usedByAgent: Nullable(Type.String()),
});

export const AgentViewSchema = Obj(
  {
    id: Type.String(),
    instanceId: Type.String(),
    hostname: Type.String(),
    instanceType: Nullable(Type.String()),
    region: Nullable(Type.String()),
    az: Nullable(Type.String()),
    agentVersion: Nullable(Type.String()),
    modelVersion: Nullable(Type.String()),
    status: literals(['active', 'stale', 'revoked'] as const),
    enrolledAt: EpochMs,
    firstHeartbeatAt: Nullable(EpochMs),
    lastHeartbeatAt: Nullable(EpochMs),
    counters: Type.Union([CountersSchema, Obj({})]),
  },
  { description: 'an enrolled host' },
);
export type AgentView = Static<typeof AgentViewSchema>;

export const PageQuery = {
  limit: Type.Integer({ minimum: 1, maximum: 1000, default: 100 }),
  cursor: Opt(Str(200, { pattern: '^[A-Za-z0-9_-]+$', description: 'nextCursor of the previous page' })),
};
const page = <T extends TSchema>(item: T) => Obj({ items: Type.Array(item), nextCursor: Nullable(Type.String()) });

export const AgentListQuerySchema = Obj({
  status: Opt(literals(['active', 'stale', 'revoked'] as const)),
  region: Opt(Str(64)),
  hostname: Opt(Str(253)),
  ...PageQuery,
});
export const AgentListSchema = page(AgentViewSchema);

export const AnomalyQuerySchema = Obj({
  host: Opt(Str(253)),
  type: Opt(Str(64)),
  agentId: Opt(Str(64)),
  since: Opt(EpochMs),
  until: Opt(EpochMs),
  ...PageQuery,
});
export const StoredAnomalySchema = Obj({
  anomaly: AnomalySchema,
  agentId: Nullable(Type.String()),
  receivedAt: EpochMs,
});
export const AnomalyListSchema = page(StoredAnomalySchema);

export const AuditQuerySchema = Obj({
  actor: Opt(Str(64)),
  action: Opt(Str(128)),
  since: Opt(EpochMs),
  until: Opt(EpochMs),
  ...PageQuery,
});
export const AuditEntrySchema = Obj({
  seq: Type.Integer(),
  at: EpochMs,
  actorKind: literals(['operator', 'agent', 'anonymous', 'system'] as const),
  actorId: Nullable(Type.String()),
  action: Type.String(),
  target: Nullable(Type.String()),
  result: literals(['ok', 'denied', 'error'] as const),
  status: Nullable(Type.Integer()),
  requestId: Nullable(Type.String()),
  ip: Nullable(Type.String()),
  detail: Nullable(Type.Record(Type.String(), Type.Unknown())),
});
export const AuditListSchema = page(AuditEntrySchema);

export const TokenCreateSchema = Obj({
  name: Str(64, { pattern: LABEL, description: 'operator name the token belongs to' }),
  role: RoleSchema,
});
export const TokenCreatedSchema = Obj({
  id: Type.String(),
  name: Type.String(),
  role: RoleSchema,
  token: Type.String({ description: 'vgl_op_...; returned once' }),
});
export const TokenViewSchema = Obj({
  id: Type.String(),
  name: Type.String(),
  role: RoleSchema,
  createdBy: Type.String(),
  createdAt: EpochMs,
  revokedAt: Nullable(EpochMs),
});

export const AlertViewSchema = Obj({
  id: Type.String(),
  kind: Type.String(),
  severity: Type.String(),
  subject: Type.String(),
  message: Type.String(),
  details: Type.Record(Type.String(), Type.Unknown()),
  raisedAt: EpochMs,
  resolvedAt: Nullable(EpochMs),
});
export const AlertQuerySchema = Obj({ open: Opt(Type.Boolean()), ...PageQuery });
export const AlertListSchema = page(AlertViewSchema);

export const IdParamSchema = Obj({ id: Str(64, { pattern: '^[a-z]{3}_[0-9a-f]{24}$' }) });
