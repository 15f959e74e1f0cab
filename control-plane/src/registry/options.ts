import path from 'node:path';
import { type Static, Type } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { compileValidator } from '../../../models/src/schema/validate.ts';

export const RegistryOptionsSchema = Type.Object(
  {
    /** File keyring directory; default <dataDir>/signing-keys. */
    keyDir: Type.Optional(Type.String({ minLength: 1 })),
    /** Active private key as PEM (VIGIL_SIGNING_KEY_PEM) instead of the file keyring. */
    signingKeyPem: Type.Optional(Type.String({ minLength: 1 })),
    signingKeyId: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$' })),
    /** Previous public keys to keep listing when the private key comes from the environment. */
    extraPublicKeys: Type.Array(
      Type.Object(
        { keyId: Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$' }), publicKeyPem: Type.String() },
        { additionalProperties: false },
      ),
      { default: [] },
    ),
    maxBundleBytes: Type.Integer({ minimum: 1024, maximum: 1024 ** 3, default: 256 * 1024 * 1024 }),
    /** Absolute base for download URLs (e.g. https://vigil.example.com); absent = relative URLs. */
    publicBaseUrl: Type.Optional(Type.String({ pattern: '^https?://[^\\s/]+$' })),
    /** Lifetime of a signed rollback directive; one is signed per bundle check, so this bounds replay. */
    rollbackDirectiveTtlSeconds: Type.Integer({ minimum: 60, maximum: 7 * 86_400, default: 86_400 }),
    autoHalt: Type.Object(
      {
        enabled: Type.Boolean({ default: true }),
        intervalSeconds: Type.Integer({ minimum: 5, maximum: 86_400, default: 60 }),
        windowSeconds: Type.Integer({ minimum: 60, maximum: 7 * 86_400, default: 3600 }),
        factor: Type.Number({ minimum: 1.1, maximum: 1000, default: 3 }),
        minLines: Type.Integer({ minimum: 1, default: 10_000 }),
        minErrors: Type.Integer({ minimum: 1, default: 3 }),
      },
      { additionalProperties: false, default: {} },
    ),
  },
  { additionalProperties: false },
);
export type RegistryOptions = Static<typeof RegistryOptionsSchema>;

const check = compileValidator(RegistryOptionsSchema);

/** Validates options (a bad one throws naming the key) and fills defaults. */
export function registryOptions(input: unknown = {}): RegistryOptions {
  return check(Value.Default(RegistryOptionsSchema, structuredClone(input)), 'registry options');
}

const num = (env: NodeJS.ProcessEnv, key: string) => (env[key] === undefined ? undefined : Number(env[key]));

/** VIGIL_SIGNING_KEY_PEM / _ID / _DIR, VIGIL_ROLLOUT_HALT_FACTOR, VIGIL_ROLLOUT_HALT_WINDOW_SECONDS. */
export function registryOptionsFromEnv(env: NodeJS.ProcessEnv, dataDir: string): RegistryOptions {
  const autoHalt = Object.fromEntries(
    Object.entries({
      factor: num(env, 'VIGIL_ROLLOUT_HALT_FACTOR'),
      windowSeconds: num(env, 'VIGIL_ROLLOUT_HALT_WINDOW_SECONDS'),
      minLines: num(env, 'VIGIL_ROLLOUT_HALT_MIN_LINES'),
    }).filter(([, v]) => v !== undefined),
  );
  return registryOptions({
    keyDir: env.VIGIL_SIGNING_KEY_DIR ?? path.join(dataDir, 'signing-keys'),
    ...(env.VIGIL_SIGNING_KEY_PEM ? { signingKeyPem: env.VIGIL_SIGNING_KEY_PEM } : {}),
    ...(env.VIGIL_SIGNING_KEY_ID ? { signingKeyId: env.VIGIL_SIGNING_KEY_ID } : {}),
    ...(env.VIGIL_PUBLIC_BASE_URL ? { publicBaseUrl: env.VIGIL_PUBLIC_BASE_URL } : {}),
    autoHalt,
  });
}
