import type { Static, TSchema } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { getIncident } from '../detect/incidents-store.ts';
import { ApiError } from '../http/errors.ts';
import { responses } from '../routes/common.ts';
import type { OperatorPrincipal } from '../store/operators.ts';
import { actionHistory, approvalsPage } from './actions-store.ts';
import { fleetPage, fleetSummary } from './fleet-store.ts';
import { contributions, incidentActions, relatedToIncident } from './incident-context.ts';
import { searchIncidents } from './incidents-search.ts';
import { bundleCard, channelVersions } from './models-store.ts';
import {
  ApprovalsQuerySchema,
  FleetQuerySchema,
  FleetSummaryQuerySchema,
  HistoryQuerySchema,
  IncidentIdSchema,
  IncidentSearchSchema,
  Loose,
  MeSchema,
  Page,
  TimelineQuerySchema,
  VersionParamSchema,
} from './schemas.ts';
import { anomalyTimeline } from './timeline.ts';

type Q<T extends TSchema> = { Querystring: Static<T> };
const viewer = { auth: 'viewer' as const };
const doc = (summary: string, extra: Record<string, unknown>, ok: unknown = Loose, errors: number[] = []) => ({
  tags: ['console'],
  summary,
  ...extra,
  response: responses({ 200: ok as typeof Loose }, errors),
});

/** Read routes the console needs beyond the core API: who am I, the fleet page, incident search and context. */
export async function consoleRoutes(app: FastifyInstance): Promise<void> {
  const { db, clock, config } = app.vigil;
  const staleMs = config.staleHeartbeatSeconds * 1000;

  app.get(
    '/v1/me',
    { config: viewer, schema: doc('The calling operator token: name and role', {}, MeSchema) },
    (req) => {
      const p = req.principal as OperatorPrincipal;
      return Promise.resolve({ name: p.name, role: p.role, tokenId: p.tokenId });
    },
  );

  app.get<Q<typeof FleetQuerySchema>>(
    '/v1/console/fleet',
    {
      config: viewer,
      schema: doc('Fleet page: hosts with health and 24 h anomaly counts', { querystring: FleetQuerySchema }, Page),
    },
    (req) => {
      const { sort = 'hostname', dir = sort === 'hostname' ? 'asc' : 'desc', ...rest } = req.query;
      return fleetPage(db, { ...rest, sort, dir }, clock(), staleMs);
    },
  );

  app.get<Q<typeof FleetSummaryQuerySchema>>(
    '/v1/console/fleet/summary',
    {
      config: viewer,
      schema: doc('Hosts matching the filters, and the fleet by status and region', {
        querystring: FleetSummaryQuerySchema,
      }),
    },
    (req) => fleetSummary(db, req.query),
  );

  app.get<Q<typeof IncidentSearchSchema>>(
    '/v1/console/incidents',
    {
      config: viewer,
      schema: doc(
        'Incidents, most recent first, with search by id, IP, principal, entity or title',
        { querystring: IncidentSearchSchema },
        Page,
      ),
    },
    (req) => searchIncidents(db, req.query),
  );

  app.get<Q<typeof TimelineQuerySchema>>(
    '/v1/console/timeline',
    {
      config: viewer,
      schema: doc('Anomaly counts per time bucket, by type or source', { querystring: TimelineQuerySchema }),
    },
    (req) => anomalyTimeline(db, { ...req.query, bucketMs: req.query.bucket, by: req.query.by ?? 'type' }),
  );

  app.get<{ Params: Static<typeof IncidentIdSchema> }>(
    '/v1/console/incidents/:id/context',
    {
      config: viewer,
      schema: doc(
        'Contributing models and features, actions taken with outcomes, related anomalies and incidents',
        { params: IncidentIdSchema },
        Loose,
        [404],
      ),
    },
    async (req) => {
      const found = await getIncident(db, req.params.id);
      if (!found) throw new ApiError(404, 'not_found', `no incident ${req.params.id}`, 'id');
      const i = found.incident;
      const span = [i.firstSeenAt ?? i.openedAt, i.lastSeenAt ?? i.updatedAt];
      return {
        ...contributions(found.anomalies),
        actions: await incidentActions(db, i.id),
        related: await relatedToIncident(db, i.id, found.keys, span),
      };
    },
  );

  app.get<Q<typeof ApprovalsQuerySchema>>(
    '/v1/console/approvals',
    {
      config: viewer,
      schema: doc(
        'Recommended actions, their decisions and what the execution reported',
        { querystring: ApprovalsQuerySchema },
        Page,
      ),
    },
    (req) => approvalsPage(db, req.query),
  );

  app.get<Q<typeof HistoryQuerySchema>>(
    '/v1/console/actions',
    {
      config: viewer,
      schema: doc('Every action record with its outcomes, newest first', { querystring: HistoryQuerySchema }, Page),
    },
    (req) => actionHistory(db, req.query),
  );

  app.get<{ Params: Static<typeof VersionParamSchema> }>(
    '/v1/console/bundles/:version/card',
    {
      config: viewer,
      schema: doc(
        'The model card of a stored bundle (from its manifest)',
        { params: VersionParamSchema },
        Loose,
        [404],
      ),
    },
    async (req) => {
      const card = await bundleCard(db, req.params.version);
      if (!card) throw new ApiError(404, 'not_found', `no bundle ${req.params.version}`, 'version');
      return card;
    },
  );

  app.get(
    '/v1/console/channels',
    { config: viewer, schema: doc('Hosts per channel and the model version each reports', {}) },
    async () => ({ items: await channelVersions(db) }),
  );
}
