import { type Static, Type } from '@sinclair/typebox';

const Int = (minimum: number, maximum: number, def: number, description: string) =>
  Type.Integer({ minimum, maximum, default: def, description });

const DAY_MAX = 36_500;
/** Retention in days per table; 0 keeps rows forever (an explicit choice, never a default by omission). */
const Days = (def: number, description: string) => Int(0, DAY_MAX, def, description);

export const RetentionSchema = Type.Object(
  {
    anomalies: Days(90, 'anomalies by window start'),
    heartbeats: Days(14, 'heartbeat history'),
    actions: Days(365, 'agent actions and their outcomes'),
    audit_log: Days(365, 'audit log'),
    alerts: Days(180, 'resolved and open alerts by raise time'),
    incidents: Days(365, 'closed incidents by close time'),
    feedback_labels: Days(0, 'analyst labels (training data: kept by default)'),
    enrollment_tokens: Days(30, 'used or expired enrollment tokens'),
    ingest_batches: Days(7, 'batch idempotency keys'),
  },
  { additionalProperties: false },
);
export type RetentionConfig = Static<typeof RetentionSchema>;

export const RateLimitSchema = Type.Object(
  {
    agentPerMinute: Int(1, 1_000_000, 600, 'requests per minute per agent credential'),
    operatorPerMinute: Int(1, 1_000_000, 600, 'requests per minute per operator token'),
    anonymousPerMinute: Int(1, 1_000_000, 60, 'requests per minute per client IP without credentials'),
    authFailuresPerMinute: Int(1, 10_000, 20, 'failed authentications per minute per client IP before 429'),
  },
  { additionalProperties: false },
);

export const ConfigSchema = Type.Object(
  {
    port: Int(1, 65_535, 8080, 'TCP port'),
    host: Type.String({ minLength: 1, maxLength: 255, default: '127.0.0.1', description: 'listen address' }),
    dataDir: Type.String({
      minLength: 1,
      default: './data',
      description: 'data directory (PGlite lives in <dataDir>/pglite)',
    }),
    databaseUrl: Type.Optional(
      Type.String({
        pattern: '^postgres(ql)?://',
        description: 'a postgres:// or postgresql:// URL (absent = embedded PGlite)',
      }),
    ),
    bodyLimit: Int(1024, 64 * 1024 * 1024, 1024 * 1024, 'max request body bytes'),
    ingestBodyLimit: Int(1024, 256 * 1024 * 1024, 8 * 1024 * 1024, 'max body bytes for agent batch routes'),
    maxBatchItems: Int(1, 10_000, 1000, 'max items in one anomalies/actions batch'),
    rateLimit: RateLimitSchema,
    retentionDays: RetentionSchema,
    retentionIntervalSeconds: Int(10, 7 * 86_400, 3600, 'how often the retention job runs'),
    staleHeartbeatSeconds: Int(5, 7 * 86_400, 180, 'an agent silent this long is marked stale and alerted'),
    heartbeatIntervalSeconds: Int(1, 3600, 30, 'heartbeat interval advised to agents'),
    credentialOverlapSeconds: Int(0, 7 * 86_400, 900, 'how long a rotated-out agent secret stays valid'),
    enrollmentTokenTtlSeconds: Int(60, 30 * 86_400, 86_400, 'default lifetime of an enrollment token'),
    adminToken: Type.Optional(
      Type.String({
        pattern: '^vgl_op_[A-Za-z0-9_-]{43}$',
        description: 'vgl_op_ followed by 43 base64url characters',
      }),
    ),
    trustProxy: Type.Boolean({ default: false, description: 'take the client IP from X-Forwarded-For' }),
    metricsPublic: Type.Boolean({ default: true, description: 'serve /metrics without a token' }),
    auditAgentTelemetry: Type.Boolean({
      default: true,
      description: 'audit successful heartbeats and batch uploads too (failed and denied calls are always audited)',
    }),
    logLevel: Type.Union(
      ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((l) => Type.Literal(l)),
      { default: 'info', description: 'log level' },
    ),
  },
  { additionalProperties: false },
);
export type Config = Static<typeof ConfigSchema>;
