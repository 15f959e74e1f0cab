import { Type } from '@sinclair/typebox';
import { SEVERITIES } from '../../../models/src/schema/index.ts';
import { INCIDENT_STATES } from '../detect/incidents-store.ts';
import { APPROVAL_STATES } from './actions-store.ts';
import { FLEET_SORTS } from './fleet-store.ts';

const strict = { additionalProperties: false } as const;
const lit = <T extends string>(values: readonly T[]) => Type.Union(values.map((v) => Type.Literal(v)));
const Cursor = Type.Optional(Type.String({ maxLength: 400, pattern: '^[A-Za-z0-9_-]+$' }));
/** Free-text search: printable, bounded; it only ever travels as a bind parameter. */
const Search = Type.Optional(Type.String({ minLength: 1, maxLength: 200, pattern: '^[^\\u0000-\\u001f]+$' }));
const Name = Type.String({ minLength: 1, maxLength: 128, pattern: '^[A-Za-z0-9][A-Za-z0-9._:/@+-]*$' });
const EpochMs = Type.Integer({ minimum: 0 });
export const Loose = Type.Record(Type.String(), Type.Unknown());
export const Page = Type.Object({ items: Type.Array(Loose), nextCursor: Type.Union([Type.String(), Type.Null()]) });

export const MeSchema = Type.Object({
  name: Type.String(),
  role: lit(['viewer', 'operator', 'admin'] as const),
  tokenId: Type.String(),
});

export const FleetQuerySchema = Type.Object(
  {
    q: Search,
    status: Type.Optional(lit(['active', 'stale', 'revoked'] as const)),
    region: Type.Optional(Name),
    sort: Type.Optional(lit(FLEET_SORTS)),
    dir: Type.Optional(lit(['asc', 'desc'] as const)),
    limit: Type.Integer({ minimum: 1, maximum: 500, default: 100 }),
    cursor: Cursor,
  },
  strict,
);

export const FleetSummaryQuerySchema = Type.Object(
  { q: Search, status: Type.Optional(lit(['active', 'stale', 'revoked'] as const)), region: Type.Optional(Name) },
  strict,
);

export const IncidentSearchSchema = Type.Object(
  {
    q: Search,
    status: Type.Optional(lit(INCIDENT_STATES)),
    severity: Type.Optional(lit(SEVERITIES)),
    limit: Type.Integer({ minimum: 1, maximum: 500, default: 50 }),
    cursor: Cursor,
  },
  strict,
);

export const TimelineQuerySchema = Type.Object(
  {
    from: EpochMs,
    to: EpochMs,
    bucket: Type.Integer({ minimum: 60_000, maximum: 7 * 86_400_000 }),
    by: Type.Optional(lit(['type', 'source'] as const)),
    host: Type.Optional(Name),
  },
  strict,
);

export const IncidentIdSchema = Type.Object({ id: Type.String({ pattern: '^inc_[0-9a-f]{24}$' }) }, strict);

export const ApprovalsQuerySchema = Type.Object(
  {
    status: Type.Optional(lit(APPROVAL_STATES)),
    limit: Type.Integer({ minimum: 1, maximum: 500, default: 50 }),
    cursor: Cursor,
  },
  strict,
);

export const HistoryQuerySchema = Type.Object(
  {
    playbook: Type.Optional(Name),
    result: Type.Optional(lit(['success', 'failure', 'none'] as const)),
    host: Type.Optional(Name),
    limit: Type.Integer({ minimum: 1, maximum: 500, default: 50 }),
    cursor: Cursor,
  },
  strict,
);

export const VersionParamSchema = Type.Object(
  { version: Type.String({ pattern: '^\\d+\\.\\d+\\.\\d+(?:[-+][0-9A-Za-z.-]+)?$', maxLength: 64 }) },
  strict,
);
