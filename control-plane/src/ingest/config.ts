import { type Static, Type } from '@sinclair/typebox';
import { compileValidator } from '../../../models/src/schema/validate.ts';
import { CLOUD_FORMATS } from './format-map.ts';

const lit = <T extends string>(values: readonly T[]) => Type.Union(values.map((v) => Type.Literal(v)));

/** Cloud ingest settings (a `cloudIngest` file section or VIGIL_CLOUD_INGEST JSON); validated, errors name the key. */
export const CloudIngestConfigSchema = Type.Object(
  {
    intervalMs: Type.Integer({ minimum: 1000, maximum: 3_600_000, default: 60_000 }),
    region: Type.Optional(Type.String({ pattern: '^[a-z]{2}(-[a-z]+)+-\\d$' })),
    /** A custom endpoint (the local stand-ins, a VPC endpoint). */
    endpoint: Type.Optional(Type.String({ pattern: '^https?://' })),
    bundleDir: Type.Optional(Type.String({ minLength: 1 })),
    cloudwatch: Type.Optional(
      Type.Object(
        {
          groups: Type.Array(
            Type.Object(
              { pattern: Type.String({ minLength: 1, maxLength: 512 }), format: lit(CLOUD_FORMATS) },
              { additionalProperties: false },
            ),
            { minItems: 1 },
          ),
          startTime: Type.Optional(Type.Integer({ minimum: 0 })),
          pageLimit: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000 })),
        },
        { additionalProperties: false },
      ),
    ),
    s3: Type.Optional(
      Type.Object(
        {
          locations: Type.Array(
            Type.Object(
              {
                bucket: Type.String({ pattern: '^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$' }),
                prefix: Type.String({ maxLength: 1024 }),
                format: lit(['vpc', 's3'] as const),
              },
              { additionalProperties: false },
            ),
            { minItems: 1 },
          ),
          maxObjectBytes: Type.Optional(Type.Integer({ minimum: 1024 })),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);
export type CloudIngestConfig = Static<typeof CloudIngestConfigSchema>;

const check = compileValidator(CloudIngestConfigSchema);

export function validateCloudIngestConfig(value: unknown, where = 'cloudIngest'): CloudIngestConfig {
  return check({ intervalMs: 60_000, ...(value as object) }, where);
}

/** From VIGIL_CLOUD_INGEST (JSON), or undefined when cloud ingest is not configured. */
export function cloudIngestConfigFromEnv(env: NodeJS.ProcessEnv = process.env): CloudIngestConfig | undefined {
  const raw = env.VIGIL_CLOUD_INGEST;
  if (!raw) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch (err) {
    throw new Error(`VIGIL_CLOUD_INGEST: not JSON (${(err as Error).message})`);
  }
  return validateCloudIngestConfig(parsed, 'VIGIL_CLOUD_INGEST');
}
