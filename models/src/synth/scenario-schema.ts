import { type Static, Type } from '@sinclair/typebox';
import { ANOMALY_TYPES } from '../schema/anomaly.ts';
import { LOG_SOURCES } from '../schema/event.ts';

/**
 * The scenario file: every default of the generator can be overridden here. All objects refuse unknown keys so a
 * typo is an error naming the key, never a silently ignored setting. Names that become file paths (hosts, the
 * syslog hostname) are restricted to path-safe characters here.
 */

const Opt = Type.Optional;
const strict = { additionalProperties: false } as const;

export const USER_ROLES = [
  'admin',
  'developer',
  'data_analyst',
  'sre',
  'security_auditor',
  'data_engineer',
  'ci_bot',
  'etl_service',
  'backup_service',
] as const;
export type UserRole = (typeof USER_ROLES)[number];

export const HOST_ROLES = ['web', 'api', 'db', 'bastion', 'batch'] as const;
export type HostRole = (typeof HOST_ROLES)[number];

const Region = Type.String({ pattern: '^[a-z]{2}(-gov)?-[a-z]+-\\d$', description: 'AWS region, e.g. us-east-1' });
const Ipv4 = Type.String({
  pattern: '^((25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)\\.){3}(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)$',
  description: 'dotted-quad IPv4 address',
});
const Range01 = Type.Object(
  { min: Type.Number({ minimum: 0, maximum: 1 }), max: Type.Number({ minimum: 0, maximum: 1 }) },
  strict,
);

export const UserSpecSchema = Type.Object(
  {
    /** IAM user / SSO session name. */
    name: Type.String({ pattern: '^[a-z][a-z0-9._-]{1,40}$' }),
    role: Type.Union(USER_ROLES.map((r) => Type.Literal(r))),
    /** Linux account on the hosts; default: the part of name before the first dot. */
    login: Opt(Type.String({ pattern: '^[a-z_][a-z0-9_-]{0,31}$' })),
    /** Fixed UTC offset of the user's working clock (no DST). */
    tzOffsetMinutes: Opt(Type.Integer({ minimum: -720, maximum: 840 })),
    workHours: Opt(
      Type.Object(
        { start: Type.Number({ minimum: 0, maximum: 24 }), end: Type.Number({ minimum: 0, maximum: 24 }) },
        strict,
      ),
    ),
    /** Regions the principal normally works in; the first is its home region. */
    regions: Opt(Type.Array(Region, { minItems: 1, maxItems: 6 })),
    /** Usual public source IPs. */
    ips: Opt(Type.Array(Ipv4, { minItems: 1, maxItems: 8 })),
    /** Host names (the `name` of hosts[]) the user logs in to; default by role. */
    hosts: Opt(Type.Array(Type.String({ pattern: '^[a-z][a-z0-9-]{0,30}$' }), { maxItems: 50 })),
    /** Relative activity volume (1 = typical for the role). */
    activity: Opt(Type.Number({ minimum: 0, maximum: 20 })),
  },
  strict,
);
export type UserSpec = Static<typeof UserSpecSchema>;

export const HostSpecSchema = Type.Object(
  {
    name: Type.String({ pattern: '^[a-z][a-z0-9-]{0,30}$' }),
    role: Type.Union(HOST_ROLES.map((r) => Type.Literal(r))),
    instanceType: Opt(Type.String({ pattern: '^[a-z][a-z0-9-]*\\.[a-z0-9]+$' })),
    /** Private address inside 10.0.0.0/16; the syslog hostname is derived from it (ip-10-0-1-23). */
    privateIp: Opt(
      Type.String({
        pattern: '^10\\.0\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)\\.([1-9]\\d?|1\\d\\d|2[0-4]\\d|25[0-4])$',
      }),
    ),
    /** Reachable from the internet (gets SSH scanning noise and can be brute-forced). */
    public: Opt(Type.Boolean()),
  },
  strict,
);
export type HostSpec = Static<typeof HostSpecSchema>;

const AnomalyTypeSpec = Type.Object(
  {
    count: Opt(Type.Integer({ minimum: 0, maximum: 10_000 })),
    intensity: Opt(Range01),
    lowAndSlowFraction: Opt(Type.Number({ minimum: 0, maximum: 1 })),
  },
  strict,
);

export const ScenarioSchema = Type.Object(
  {
    seed: Opt(Type.Integer({ minimum: 0, maximum: 4294967295 })),
    /** UTC start, `YYYY-MM-DD` or `YYYY-MM-DDTHH:MM[:SS]Z`. */
    start: Opt(Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}(T\\d{2}:\\d{2}(:\\d{2})?Z)?$' })),
    days: Opt(Type.Integer({ minimum: 1, maximum: 3660 })),
    /** Total records written over all sources (the VPC header line is not counted). */
    samples: Opt(Type.Integer({ minimum: 100, maximum: 1_000_000_000 })),
    account: Opt(Type.String({ pattern: '^\\d{12}$' })),
    region: Opt(Region),
    /** Relative share of records per source; missing sources keep their default weight, then all are normalised. */
    mix: Opt(
      Type.Object(
        Object.fromEntries(LOG_SOURCES.map((s) => [s, Opt(Type.Number({ minimum: 0, maximum: 1000 }))])),
        strict,
      ),
    ),
    users: Opt(Type.Array(UserSpecSchema, { minItems: 1, maxItems: 500 })),
    hosts: Opt(Type.Array(HostSpecSchema, { minItems: 1, maxItems: 200 })),
    anomalies: Opt(
      Type.Object(
        {
          /** Incidents per type unless the type says otherwise. */
          count: Opt(Type.Integer({ minimum: 0, maximum: 10_000 })),
          intensity: Opt(Range01),
          lowAndSlowFraction: Opt(Type.Number({ minimum: 0, maximum: 1 })),
          types: Opt(Type.Object(Object.fromEntries(ANOMALY_TYPES.map((t) => [t, Opt(AnomalyTypeSpec)])), strict)),
        },
        strict,
      ),
    ),
  },
  strict,
);
export type ScenarioFile = Static<typeof ScenarioSchema>;
