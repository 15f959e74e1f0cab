import { type Static, Type } from '@sinclair/typebox';
import { LogSourceSchema } from './event.ts';

/** Every anomaly type the generator injects and the detectors name. Grouped by the seed's headings. */
export const ANOMALY_TYPES = [
  // EC2
  'ssh_brute_force', // many failed logins from one unusual IP
  'credential_stuffing', // many usernames tried from many IPs, few attempts each
  'suspicious_command', // curl|sh, base64 -d | sh, reverse shells, history wiping
  'crypto_miner', // a miner process with sustained high CPU
  'unexpected_package', // package installed outside maintenance windows / not in the baseline
  'disk_fill', // abnormal disk usage growth
  // Lambda
  'lambda_timeout',
  'lambda_memory', // memory limit reached
  'lambda_errors', // processing error burst
  'lambda_request_spike',
  // S3
  's3_sensitive_download', // repeated GETs of sensitive objects
  's3_unauthorized_burst', // burst of 403s
  's3_mass_delete',
  // VPC
  'port_scan',
  'ddos',
  'unusual_protocol',
  'internal_exfil', // high outbound traffic from an internal IP
  // Cross-cutting
  'behavior_change', // a user's behaviour changes suddenly (time-based)
  'account_spike', // account-wide spike across services
  'unusual_region', // operations from a region the principal never used
  'iam_persistence', // new IAM users/keys/policies, StopLogging, by an unusual principal
] as const;
export const AnomalyTypeSchema = Type.Union(ANOMALY_TYPES.map((t) => Type.Literal(t)));
export type AnomalyType = (typeof ANOMALY_TYPES)[number];

/** The entities features and anomalies are keyed by. */
export const ENTITY_KINDS = [
  'host',
  'user',
  'ip',
  'function',
  'bucket_principal',
  'eni',
  'account',
  'process',
] as const;
export const EntityKindSchema = Type.Union(ENTITY_KINDS.map((k) => Type.Literal(k)));
export type EntityKind = (typeof ENTITY_KINDS)[number];

export const EntityRefSchema = Type.Object(
  { kind: EntityKindSchema, id: Type.String({ maxLength: 512 }) },
  { additionalProperties: false },
);
export type EntityRef = Static<typeof EntityRefSchema>;

export const TimeWindowSchema = Type.Object(
  { start: Type.Number(), end: Type.Number() },
  { additionalProperties: false, description: 'Epoch ms, start inclusive, end exclusive' },
);
export type TimeWindow = Static<typeof TimeWindowSchema>;

export const MODEL_NAMES = ['xgboost', 'autoencoder', 'lstm', 'forecast', 'fused', 'rule'] as const;
export const ModelNameSchema = Type.Union(MODEL_NAMES.map((m) => Type.Literal(m)));
export type ModelName = (typeof MODEL_NAMES)[number];

export const SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;
export const SeveritySchema = Type.Union(SEVERITIES.map((s) => Type.Literal(s)));
export type Severity = (typeof SEVERITIES)[number];

export const FeatureContributionSchema = Type.Object(
  { name: Type.String(), value: Type.Number(), contribution: Type.Number() },
  { additionalProperties: false },
);
export type FeatureContribution = Static<typeof FeatureContributionSchema>;

export const EvidenceSchema = Type.Object(
  {
    /** Top contributing features, largest contribution first. */
    topFeatures: Type.Array(FeatureContributionSchema, { maxItems: 32 }),
    /** Sample raw lines from the window (bounded). */
    lines: Type.Array(Type.String({ maxLength: 8192 }), { maxItems: 32 }),
    /** Per-model scores that went into a fused score. */
    contributors: Type.Optional(
      Type.Array(Type.Object({ model: ModelNameSchema, score: Type.Number() }, { additionalProperties: false })),
    ),
    /** Identities the detector verified and a playbook may act on (pid+start time, IP, path). */
    targets: Type.Optional(Type.Record(Type.String(), Type.Union([Type.String(), Type.Number()]))),
  },
  { additionalProperties: false },
);
export type Evidence = Static<typeof EvidenceSchema>;

export const AnomalySchema = Type.Object(
  {
    id: Type.String({ maxLength: 128 }),
    /** Best guess at the anomaly type; 'unknown' when only unsupervised models fired. */
    type: Type.Union([AnomalyTypeSchema, Type.Literal('unknown')]),
    entity: EntityRefSchema,
    source: LogSourceSchema,
    window: TimeWindowSchema,
    /** Calibrated score in [0, 1]. */
    score: Type.Number({ minimum: 0, maximum: 1 }),
    threshold: Type.Number(),
    model: ModelNameSchema,
    modelVersion: Type.Optional(Type.String()),
    severity: SeveritySchema,
    evidence: EvidenceSchema,
    host: Type.Optional(Type.String()),
    detectedAt: Type.Number(),
  },
  { additionalProperties: false },
);
export type Anomaly = Static<typeof AnomalySchema>;
