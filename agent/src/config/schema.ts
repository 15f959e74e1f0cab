import { type Static, type TSchema, Type } from '@sinclair/typebox';

/*
 * The agent's one YAML file. Every object refuses unknown keys, so a typo is an error naming the key rather than a
 * setting silently ignored. Defaults live in the schema (filled by Value.Default before validation).
 */

const Obj = <T extends Record<string, TSchema>>(props: T, description?: string) =>
  Type.Object(props, { additionalProperties: false, default: {}, ...(description ? { description } : {}) });
const Int = (min: number, max: number, dflt: number, description?: string) =>
  Type.Integer({ minimum: min, maximum: max, default: dflt, ...(description ? { description } : {}) });
const OptInt = (min: number, max: number, description?: string) =>
  Type.Optional(Type.Integer({ minimum: min, maximum: max, ...(description ? { description } : {}) }));
/** An absolute path without control characters. */
export const AbsPath = Type.String({ minLength: 1, maxLength: 4096, pattern: '^/[^\\u0000-\\u001f\\u007f]*$' });
const Name = (max: number) => Type.String({ minLength: 1, maxLength: max, pattern: '^[A-Za-z0-9][A-Za-z0-9._-]*$' });

const FilePattern = Type.Object(
  {
    path: AbsPath,
    kind: Type.Union([Type.Literal('ec2.auth'), Type.Literal('ec2.syslog')]),
  },
  { additionalProperties: false },
);

const FilesSchema = Obj({
  enabled: Type.Boolean({ default: true }),
  /** Tail /var/log/{auth.log,secure,syslog,messages} (under `root`). */
  defaults: Type.Boolean({ default: true }),
  paths: Type.Array(FilePattern, { default: [], maxItems: 256 }),
  startAt: Type.Union([Type.Literal('beginning'), Type.Literal('end')], { default: 'end' }),
  pollIntervalMs: OptInt(20, 60_000, 'safety-net rescan interval'),
  rotateWaitMs: OptInt(0, 300_000, 'keep reading a rotated-away file this long'),
  batchMaxLines: OptInt(1, 100_000, 'lines per batch'),
  maxLineBytes: OptInt(256, 16 << 20, 'longer lines are cut and counted'),
  usePolling: Type.Optional(Type.Boolean()),
});

const ProcessSamplerSchema = Obj({
  enabled: Type.Boolean({ default: true }),
  /** Floor of 1 s: a sample reads every /proc/<pid>/stat (its cost is measured and shown in status). */
  intervalMs: Int(1000, 3_600_000, 10_000),
  /** Processes reported per sample besides new ones (by CPU). */
  topN: OptInt(0, 10_000),
  /** Only processes whose working directory is inside one of these trees (a container or sandbox root). */
  cwdUnder: Type.Optional(Type.Array(AbsPath, { minItems: 1, maxItems: 64 })),
});

const DiskSamplerSchema = Obj({
  enabled: Type.Boolean({ default: true }),
  intervalMs: Int(1000, 3_600_000, 60_000),
  /** Mount points to watch; default: every real filesystem. */
  paths: Type.Optional(Type.Array(AbsPath, { maxItems: 256 })),
});

const PipelineSchema = Obj({
  /** How often dirty entities' open windows are scored (decisions before the window closes). */
  decisionIntervalMs: Int(10, 10_000, 50),
  /** A changed entity's open window is rescored at least this often (at once when its event count doubles). */
  rescoreIntervalMs: Int(50, 60_000, 1000),
  /** While catching up on a backlog, decide at most this often (the backlog dominates latency then). */
  catchUpIntervalMs: Int(10, 60_000, 1000),
  /** Wall-clock lateness tolerated before a quiet window is closed by the clock. */
  lateGraceMs: Int(0, 600_000, 10_000),
  /** Events stamped further than this in the future are clamped to now and counted (clock skew or forged). */
  maxFutureSkewMs: Int(1000, 86_400_000, 300_000),
  /** Sample raw lines kept as evidence per anomaly. */
  evidenceLines: Int(1, 32, 8),
  /** Top features explained per anomaly. */
  topFeatures: Int(1, 32, 8),
});

const LimitsSchema = Obj({
  /** Unacknowledged source batches in the pipeline; at the bound the tailer pauses (never drops). */
  queueBatches: Int(2, 100_000, 256),
  queueBytes: Int(65_536, 1 << 30, 64 << 20),
  /** Feature engine LRU bound (about 4.9 KB per populated entity). */
  maxEntities: Int(100, 1_000_000, 5000),
  /** Outbound spool bound; when full, the pipeline stops acknowledging (loud error + metric), never drops. */
  spoolItems: Int(100, 10_000_000, 100_000),
  spoolBytes: Int(1 << 20, 16 * 2 ** 30, 256 << 20),
});

const SigningKey = Type.Object(
  {
    keyId: Type.String({ minLength: 1, maxLength: 128, pattern: '^[A-Za-z0-9._:-]+$' }),
    /** Ed25519 public key: PEM (SPKI) or base64 of the raw 32 bytes. */
    publicKey: Type.String({ minLength: 40, maxLength: 4096 }),
  },
  { additionalProperties: false },
);

const ControlPlaneSchema = Type.Object(
  {
    url: Type.String({ minLength: 8, maxLength: 2048, pattern: '^https?://[^\\s]+$' }),
    /** One-time enrollment token (`vgl_en_...`); prefer enrollmentTokenFile so the secret is not in this file. */
    enrollmentToken: Type.Optional(Type.String({ minLength: 50, maxLength: 64, pattern: '^vgl_en_[A-Za-z0-9_-]+$' })),
    enrollmentTokenFile: Type.Optional(AbsPath),
    /** Where the per-agent credential is kept (mode 0600, written atomically). Default <state.dir>/credential. */
    credentialFile: Type.Optional(AbsPath),
    /** Plain http is refused except to loopback unless this is set (test benches only). */
    allowInsecureHttp: Type.Boolean({ default: false }),
    requestTimeoutMs: Int(1000, 120_000, 30_000),
    drainIntervalMs: Int(50, 600_000, 2000),
    batchItems: Int(1, 1000, 500),
    bundlePollSeconds: Int(0, 86_400, 300, '0 disables model updates'),
    pendingPollSeconds: Int(0, 86_400, 15, '0 disables approved-action polling'),
    signingKeys: Type.Array(SigningKey, { default: [], maxItems: 16 }),
    backoff: Obj({ baseMs: Int(1, 600_000, 1000), capMs: Int(1, 3_600_000, 300_000) }),
  },
  { additionalProperties: false },
);

const CloudWatchSchema = Type.Object(
  {
    logGroup: Type.String({ minLength: 1, maxLength: 512, pattern: '^[.\\-_/#A-Za-z0-9]+$' }),
    /** Default: the host name. */
    logStream: Type.Optional(Type.String({ minLength: 1, maxLength: 512, pattern: '^[^:*\\u0000-\\u001f]+$' })),
    region: Type.String({ minLength: 1, maxLength: 64, pattern: '^[a-z0-9-]+$' }),
    /** Endpoint override (a VPC endpoint, or the local stand-in in tests). */
    endpoint: Type.Optional(Type.String({ minLength: 8, maxLength: 2048, pattern: '^https?://[^\\s]+$' })),
    ship: Type.Array(Type.Union([Type.Literal('anomalies'), Type.Literal('audit')]), {
      default: ['anomalies', 'audit'],
      minItems: 1,
    }),
    flushIntervalMs: Int(50, 600_000, 5000),
    createGroup: Type.Boolean({ default: true }),
  },
  { additionalProperties: false },
);

export const AgentConfigSchema = Type.Object(
  {
    version: Type.Literal(1, { default: 1 }),
    /** Prefix for every tailed path (tests and demos: a sandbox such as /tmp/x, so /var/log/auth.log is read there). */
    root: Type.String({ minLength: 1, maxLength: 4096, pattern: '^/[^\\u0000-\\u001f\\u007f]*$', default: '/' }),
    host: Obj({
      /** Default: os.hostname(). */
      name: Type.Optional(Name(253)),
      /** Default: the EC2 instance id when the config names one, else a stable id derived from /etc/machine-id. */
      instanceId: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$' })),
      instanceType: Type.Optional(Name(64)),
      region: Type.Optional(Name(64)),
      az: Type.Optional(Name(64)),
    }),
    sources: Obj({ files: FilesSchema, process: ProcessSamplerSchema, disk: DiskSamplerSchema }),
    state: Obj({ dir: { ...AbsPath, default: '/var/lib/vigil' } }),
    models: Obj({
      /** The bundle shipped with the agent; used until a signed update is installed, and as the last resort. */
      bundleDir: { ...AbsPath, default: '/opt/vigil/bundles/default' },
    }),
    pipeline: PipelineSchema,
    /** Event clock: 1 = the wall clock. Replays and demos run logs in accelerated time (see config/clock.ts). */
    clock: Obj({
      speed: Type.Number({ minimum: 1, maximum: 86_400, default: 1 }),
      origin: Type.Optional(
        Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}T[0-9:.]+(Z|[+-]\\d{2}:\\d{2})$', maxLength: 40 }),
      ),
    }),
    limits: LimitsSchema,
    /** Responder policy inline (see agent/src/respond/README.md), or policyFile. Exactly one. */
    policy: Type.Optional(Type.Unknown()),
    policyFile: Type.Optional(AbsPath),
    controlPlane: Type.Optional(ControlPlaneSchema),
    metrics: Obj({
      enabled: Type.Boolean({ default: true }),
      /** Loopback only: `127.0.0.1:PORT` or `[::1]:PORT` (port 0 picks one, for tests). */
      listen: Type.String({ pattern: '^(127\\.0\\.0\\.1|\\[::1\\]):\\d{1,5}$', default: '127.0.0.1:9464' }),
    }),
    status: Obj({ socket: { ...AbsPath, default: '/run/vigil/agent.sock' } }),
    shipper: Obj({ cloudwatch: Type.Optional(CloudWatchSchema) }),
    logging: Obj({
      level: Type.Union(
        ['error', 'warn', 'info', 'debug'].map((l) => Type.Literal(l)),
        { default: 'info' },
      ),
    }),
  },
  { additionalProperties: false },
);

export type AgentConfigInput = Static<typeof AgentConfigSchema>;
export type ControlPlaneConfig = Static<typeof ControlPlaneSchema>;
export type CloudWatchConfig = Static<typeof CloudWatchSchema>;
export type PipelineConfig = Static<typeof PipelineSchema>;
export type LimitsConfig = Static<typeof LimitsSchema>;
export type FilesConfig = Static<typeof FilesSchema>;
