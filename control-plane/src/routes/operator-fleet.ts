import type { Static } from '@sinclair/typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import {
  AgentListQuerySchema,
  AgentListSchema,
  AlertListSchema,
  AlertQuerySchema,
  AnomalyListSchema,
  AnomalyQuerySchema,
  EnrollmentTokenCreatedSchema,
  EnrollmentTokenCreateSchema,
  EnrollmentTokenViewSchema,
  IdParamSchema,
} from '../api/schemas.ts';
import { ApiError } from '../http/errors.ts';
import { listAgents, revokeAgent } from '../store/agents.ts';
import { listAlerts } from '../store/alerts.ts';
import { queryAnomalies } from '../store/anomalies.ts';
import { createEnrollmentToken, listEnrollmentTokens } from '../store/enrollment.ts';
import type { OperatorPrincipal } from '../store/operators.ts';
import { NoContent, responses } from './common.ts';

export const operatorOf = (request: FastifyRequest) => request.principal as OperatorPrincipal;

/** Operator routes for the fleet: enrollment tokens, agents, alerts, anomalies. */
export async function operatorFleetRoutes(app: FastifyInstance): Promise<void> {
  const { db, clock, config, events } = app.vigil;

  app.post<{ Body: Static<typeof EnrollmentTokenCreateSchema> }>(
    '/v1/enrollment-tokens',
    {
      config: { auth: 'admin', audit: 'enrollment_token.create' },
      schema: {
        tags: ['fleet'],
        summary: 'Create a one-time enrollment token (returned once)',
        body: EnrollmentTokenCreateSchema,
        response: responses({ 201: EnrollmentTokenCreatedSchema }),
      },
    },
    async (request, reply) => {
      const ttl = request.body.ttlSeconds ?? config.enrollmentTokenTtlSeconds;
      const created = await createEnrollmentToken(db, {
        createdBy: operatorOf(request).name,
        ttlMs: ttl * 1000,
        note: request.body.note,
        now: clock(),
      });
      request.audit = { target: created.id, detail: { ttlSeconds: ttl } };
      return reply.code(201).send(created);
    },
  );

  app.get(
    '/v1/enrollment-tokens',
    {
      config: { auth: 'admin' },
      schema: {
        tags: ['fleet'],
        summary: 'List enrollment tokens (never the secrets), newest first, at most 1000',
        response: responses({ 200: Type.Object({ items: Type.Array(EnrollmentTokenViewSchema) }) }),
      },
    },
    async () => ({ items: await listEnrollmentTokens(db) }),
  );

  app.get<{ Querystring: Static<typeof AgentListQuerySchema> }>(
    '/v1/agents',
    {
      config: { auth: 'viewer' },
      schema: {
        tags: ['fleet'],
        summary: 'List enrolled agents (keyset pagination by hostname)',
        querystring: AgentListQuerySchema,
        response: responses({ 200: AgentListSchema }),
      },
    },
    async (request) => listAgents(db, request.query),
  );

  app.post<{ Params: Static<typeof IdParamSchema> }>(
    '/v1/agents/:id/revoke',
    {
      config: { auth: 'admin', audit: 'agent.revoke' },
      schema: {
        tags: ['fleet'],
        summary: 'Revoke an agent: every credential it holds stops working at once',
        params: IdParamSchema,
        response: responses({ 204: NoContent }, [404]),
      },
    },
    async (request, reply) => {
      const { id } = request.params;
      request.audit.target = id;
      if (!(await revokeAgent(db, id, clock()))) throw new ApiError(404, 'not_found', `no agent ${id}`, 'id');
      events.emit('agent.revoked', { agentId: id, by: operatorOf(request).name });
      return reply.code(204).send();
    },
  );

  app.get<{ Querystring: Static<typeof AlertQuerySchema> }>(
    '/v1/alerts',
    {
      config: { auth: 'viewer' },
      schema: {
        tags: ['fleet'],
        summary: 'List alerts, newest first',
        querystring: AlertQuerySchema,
        response: responses({ 200: AlertListSchema }),
      },
    },
    async (request) => listAlerts(db, request.query),
  );

  app.get<{ Querystring: Static<typeof AnomalyQuerySchema> }>(
    '/v1/anomalies',
    {
      config: { auth: 'viewer' },
      schema: {
        tags: ['anomalies'],
        summary: 'Query anomalies, newest window first (keyset pagination)',
        description: '`since` inclusive and `until` exclusive bound the anomaly window start (epoch ms).',
        querystring: AnomalyQuerySchema,
        response: responses({ 200: AnomalyListSchema }),
      },
    },
    async (request) => queryAnomalies(db, request.query),
  );
}
