import { type Static, Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { SEVERITIES } from '../../../models/src/schema/index.ts';
import { ApiError } from '../http/errors.ts';
import { responses } from '../routes/common.ts';
import type { OperatorPrincipal } from '../store/operators.ts';
import { type CorrelatorOptions, FleetCorrelator } from './correlator.ts';
import { getIncident, INCIDENT_STATES, listIncidents, setIncidentState } from './incidents-store.ts';

const lit = <T extends string>(values: readonly T[]) => Type.Union(values.map((v) => Type.Literal(v)));
const IncidentId = Type.Object({ id: Type.String({ pattern: '^inc_[0-9a-f]{24}$' }) }, { additionalProperties: false });

const IncidentSchema = Type.Object({
  id: Type.String(),
  title: Type.String(),
  kind: Type.String(),
  status: lit(INCIDENT_STATES),
  severity: lit(SEVERITIES),
  openedAt: Type.Number(),
  updatedAt: Type.Number(),
  closedAt: Type.Union([Type.Number(), Type.Null()]),
  firstSeenAt: Type.Union([Type.Number(), Type.Null()]),
  lastSeenAt: Type.Union([Type.Number(), Type.Null()]),
  anomalyCount: Type.Integer(),
  updatedBy: Type.Union([Type.String(), Type.Null()]),
  summary: Type.Record(Type.String(), Type.Unknown()),
});

const ListQuery = Type.Object(
  {
    status: Type.Optional(lit(INCIDENT_STATES)),
    severity: Type.Optional(lit(SEVERITIES)),
    kind: Type.Optional(Type.String({ maxLength: 64, pattern: '^[a-z_]+$' })),
    since: Type.Optional(Type.Integer({ minimum: 0 })),
    limit: Type.Integer({ minimum: 1, maximum: 500, default: 50 }),
    cursor: Type.Optional(Type.String({ maxLength: 200, pattern: '^[A-Za-z0-9_-]+$' })),
  },
  { additionalProperties: false },
);

const StateBody = Type.Object(
  { state: lit(INCIDENT_STATES), note: Type.Optional(Type.String({ maxLength: 2000 })) },
  { additionalProperties: false },
);

export interface IncidentsPluginOptions extends CorrelatorOptions {
  /** Correlate agent anomalies as they are ingested (default true). */
  correlateAgentAnomalies?: boolean;
}

/** Incidents: fleet correlation of stored anomalies, and the routes to triage them. */
export function incidentsPlugin(opts: IncidentsPluginOptions = {}) {
  return async function incidents(app: FastifyInstance): Promise<void> {
    const { db, clock, events } = app.vigil;
    const correlator = new FleetCorrelator(db, opts);
    if (opts.correlateAgentAnomalies !== false) {
      // agent anomalies are stored under origin = agent id (routes/agent-ingest.ts)
      const off = events.on('anomalies.ingested', async (e) => {
        const ids = await correlator.correlate(e.agentId, e.ids, clock());
        for (const id of new Set(ids)) events.emit('incident.changed', { id, status: null, by: null });
      });
      app.addHook('onClose', async () => off());
    }

    app.get<{ Querystring: Static<typeof ListQuery> }>(
      '/v1/incidents',
      {
        config: { auth: 'viewer' },
        schema: {
          tags: ['incidents'],
          summary: 'List incidents, most recent activity first (keyset pagination)',
          querystring: ListQuery,
          response: responses({
            200: Type.Object({
              items: Type.Array(IncidentSchema),
              nextCursor: Type.Union([Type.String(), Type.Null()]),
            }),
          }),
        },
      },
      async (request) => listIncidents(db, request.query),
    );

    app.get<{ Params: Static<typeof IncidentId> }>(
      '/v1/incidents/:id',
      {
        config: { auth: 'viewer' },
        schema: {
          tags: ['incidents'],
          summary: 'One incident with its correlation keys and member anomalies (evidence included)',
          params: IncidentId,
          response: responses(
            {
              200: Type.Object({
                incident: IncidentSchema,
                keys: Type.Array(Type.String()),
                anomalies: Type.Array(Type.Record(Type.String(), Type.Unknown())),
              }),
            },
            [404],
          ),
        },
      },
      async (request) => {
        const found = await getIncident(db, request.params.id);
        if (!found) throw new ApiError(404, 'not_found', `no incident ${request.params.id}`, 'id');
        return found;
      },
    );

    app.post<{ Params: Static<typeof IncidentId>; Body: Static<typeof StateBody> }>(
      '/v1/incidents/:id/state',
      {
        config: { auth: 'operator', audit: 'incident.state' },
        schema: {
          tags: ['incidents'],
          summary: 'Acknowledge, resolve (true positive) or mark false-positive; closing stores feedback labels',
          params: IncidentId,
          body: StateBody,
          response: responses({ 200: Type.Object({ incident: IncidentSchema, labels: Type.Integer() }) }, [404]),
        },
      },
      async (request) => {
        const by = (request.principal as OperatorPrincipal).name;
        const { id } = request.params;
        request.audit = { target: id, detail: { state: request.body.state } };
        const out = await db.transaction((tx) =>
          setIncidentState(tx, id, { state: request.body.state, by, note: request.body.note, now: clock() }),
        );
        if (!out) throw new ApiError(404, 'not_found', `no incident ${id}`, 'id');
        events.emit('incident.changed', { id, status: out.incident.status, by });
        return out;
      },
    );
  };
}
