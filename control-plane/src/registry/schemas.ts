import { Type } from '@sinclair/typebox';

const Obj = Type.Object;
const strict = { additionalProperties: false } as const;
const EpochMs = Type.Integer({ minimum: 0 });
export const BUNDLE_VERSION = '^\\d+\\.\\d+\\.\\d+(?:[-+][0-9A-Za-z.-]+)?$';
const BundleVersion = Type.String({ pattern: BUNDLE_VERSION, maxLength: 64 });
const ChannelSchema = Type.Union([Type.Literal('stable'), Type.Literal('canary')]);
const Reason = Type.String({ minLength: 1, maxLength: 1024 });

export const BundleViewSchema = Obj({
  id: Type.String(),
  version: Type.String(),
  featureSchemaHash: Type.String(),
  archiveSha256: Type.String(),
  archiveSize: Type.Integer(),
  keyId: Type.Union([Type.String(), Type.Null()]),
  createdAt: EpochMs,
  createdBy: Type.String(),
});

export const PublicKeySchema = Obj({
  keyId: Type.String(),
  alg: Type.Literal('ed25519'),
  publicKeyPem: Type.String({ description: 'SPKI PEM; pin it in the agent configuration' }),
  createdAt: EpochMs,
  active: Type.Boolean({ description: 'the key that signs new and re-signed manifests' }),
});

export const BundleOfferSchema = Obj({
  channel: ChannelSchema,
  version: Type.String(),
  manifestJson: Type.String({ description: 'the signed distribution manifest; verify over these exact UTF-8 bytes' }),
  signature: Obj({ alg: Type.Literal('ed25519'), keyId: Type.String(), value: Type.String() }),
  download: Obj({ url: Type.String(), sha256: Type.String(), size: Type.Integer() }),
  rollback: Type.Optional(
    Obj(
      {
        directiveJson: Type.String({
          description: "signed rollback directive: authorises moving off the agent's withdrawn version to this one",
        }),
        signature: Obj({ alg: Type.Literal('ed25519'), keyId: Type.String(), value: Type.String() }),
      },
      { description: 'present only when the agent runs a version an operator rolled back (docs/api.md Rollback)' },
    ),
  ),
});

export const BundleQuerySchema = Obj(
  { current: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9.+_-]{0,63}$' })) },
  strict,
);
export const VersionParamSchema = Obj({ version: BundleVersion }, strict);
export const RolloutIdParamSchema = Obj({ id: Type.String({ pattern: '^rol_[0-9a-f]{24}$' }) }, strict);
export const AgentIdParamSchema = Obj({ id: Type.String({ pattern: '^agt_[0-9a-f]{24}$' }) }, strict);

export const RolloutSchema = Obj({
  id: Type.String(),
  bundleId: Type.String(),
  bundleVersion: Type.String(),
  channel: ChannelSchema,
  percent: Type.Integer(),
  status: Type.Union(['active', 'paused', 'completed', 'rolled_back'].map((s) => Type.Literal(s))),
  startedAt: EpochMs,
  updatedAt: EpochMs,
  createdBy: Type.String(),
  haltReason: Type.Union([Type.String(), Type.Null()]),
  haltDetails: Type.Union([Type.Record(Type.String(), Type.Unknown()), Type.Null()]),
});

export const RolloutCreateSchema = Obj(
  { bundleVersion: BundleVersion, channel: ChannelSchema, percent: Type.Integer({ minimum: 1, maximum: 100 }) },
  strict,
);
export const RolloutAdvanceSchema = Obj({ percent: Type.Integer({ minimum: 1, maximum: 100 }) }, strict);
export const ReasonBodySchema = Obj({ reason: Reason }, strict);
export const ChannelBodySchema = Obj({ channel: ChannelSchema }, strict);
