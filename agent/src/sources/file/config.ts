import { type Static, Type } from '@sinclair/typebox';

const Int = (min: number, max: number, description: string) =>
  Type.Integer({ minimum: min, maximum: max, description });

export const FilePatternSchema = Type.Object(
  {
    path: Type.String({
      minLength: 2,
      maxLength: 4096,
      description: 'Absolute host path; * and ? allowed in the file name only',
    }),
    kind: Type.Union([Type.Literal('ec2.auth'), Type.Literal('ec2.syslog')]),
  },
  { additionalProperties: false },
);

export const FileSourceConfigSchema = Type.Object(
  {
    type: Type.Literal('file'),
    id: Type.String({ pattern: '^[A-Za-z0-9_.-]{1,64}$' }),
    /** Sandbox root prefixed to every path (tests and the demo tail <root>/var/log/auth.log). */
    root: Type.Optional(Type.String({ minLength: 1, maxLength: 4096, pattern: '^/' })),
    /** Tail /var/log/{auth.log,secure,syslog,messages} too (default true). */
    defaults: Type.Optional(Type.Boolean()),
    paths: Type.Optional(Type.Array(FilePatternSchema, { maxItems: 256 })),
    startAt: Type.Optional(Type.Union([Type.Literal('beginning'), Type.Literal('end')])),
    readBufferBytes: Type.Optional(Int(4096, 16 << 20, 'bytes read per positional read')),
    maxLineBytes: Type.Optional(Int(256, 16 << 20, 'longer lines are cut and counted')),
    fingerprintBytes: Type.Optional(Int(64, 65536, 'prefix hashed to identify a file')),
    batchMaxLines: Type.Optional(Int(1, 100_000, 'lines per batch')),
    batchMaxBytes: Type.Optional(Int(1024, 64 << 20, 'bytes per batch')),
    maxInFlightBatches: Type.Optional(Int(1, 100_000, 'unacked batches before reading stops')),
    maxInFlightBytes: Type.Optional(Int(4096, 1 << 30, 'unacked bytes before reading stops')),
    pollIntervalMs: Type.Optional(Int(20, 60_000, 'safety-net rescan in case a watch event is missed')),
    rotateWaitMs: Type.Optional(Int(0, 300_000, 'keep reading a rotated-away file this long')),
    usePolling: Type.Optional(Type.Boolean({ description: 'chokidar polling (network filesystems)' })),
  },
  { additionalProperties: false },
);
export type FileSourceConfig = Static<typeof FileSourceConfigSchema>;

export const FILE_SOURCE_DEFAULTS = {
  root: '/',
  defaults: true,
  startAt: 'beginning' as 'beginning' | 'end',
  readBufferBytes: 256 * 1024,
  maxLineBytes: 64 * 1024,
  fingerprintBytes: 1024,
  batchMaxLines: 1000,
  batchMaxBytes: 1024 * 1024,
  maxInFlightBatches: 64,
  maxInFlightBytes: 64 * 1024 * 1024,
  pollIntervalMs: 1000,
  rotateWaitMs: 5000,
  usePolling: false,
};

export type ResolvedFileSourceConfig = typeof FILE_SOURCE_DEFAULTS & Pick<FileSourceConfig, 'id' | 'paths'>;
