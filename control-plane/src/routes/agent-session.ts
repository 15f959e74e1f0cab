import type { Static } from '@sinclair/typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import {
  EnrollRequestSchema,
  EnrollResponseSchema,
  HeartbeatRequestSchema,
  HeartbeatResponseSchema,
  RotateResponseSchema,
} from '../api/schemas.ts';
import { enrollAgent, recordHeartbeat } from '../store/agents.ts';
import { resolveAlerts } from '../store/alerts.ts';
import { type AgentPrincipal, rotateCredential } from '../store/credentials.ts';
import { responses } from './common.ts';

export const agentOf = (request: FastifyRequest) => request.principal as AgentPrincipal;

/** What an agent calls to join the fleet and stay in it: enroll, rotate its secret, heartbeat. */
export async function agentSessionRoutes(app: FastifyInstance): Promise<void> {
  const { db, clock, config, events, metrics } = app.vigil;

  app.post<{ Body: Static<typeof EnrollRequestSchema> }>(
    '/v1/agents/enroll',
    {
      config: { auth: 'public', audit: 'agent.enroll' },
      schema: {
        tags: ['agent'],
        summary: 'Enroll a host with a one-time enrollment token; returns the agent secret once',
        body: EnrollRequestSchema,
        response: responses({ 201: EnrollResponseSchema }),
      },
    },
    async (request, reply) => {
      const { token, inventory } = request.body;
      const out = await enrollAgent(db, token, inventory, clock());
      request.audit = {
        target: out.agentId,
        actor: { kind: 'agent', id: out.agentId },
        detail: { enrollmentTokenId: out.tokenId, instanceId: inventory.instanceId, hostname: inventory.hostname },
      };
      events.emit('agent.enrolled', {
        agentId: out.agentId,
        hostname: inventory.hostname,
        instanceId: inventory.instanceId,
      });
      return reply.code(201).send({
        agentId: out.agentId,
        credentialId: out.credentialId,
        credential: out.credential,
        heartbeatIntervalSeconds: config.heartbeatIntervalSeconds,
      });
    },
  );

  app.post(
    '/v1/agents/rotate',
    {
      config: { auth: 'agent', audit: 'agent.rotate' },
      schema: {
        tags: ['agent'],
        summary: 'Replace the calling credential; the old one stays valid for the overlap window',
        response: responses({ 200: RotateResponseSchema }, [409]),
      },
    },
    async (request) => {
      const agent = agentOf(request);
      request.audit.target = agent.agentId;
      const out = await rotateCredential(db, agent, clock(), config.credentialOverlapSeconds * 1000);
      request.audit.detail = { newCredentialId: out.credentialId, previousCredentialId: agent.credentialId };
      return out;
    },
  );

  app.post<{ Body: Static<typeof HeartbeatRequestSchema> }>(
    '/v1/agents/heartbeat',
    {
      config: { auth: 'agent', audit: 'agent.heartbeat', telemetry: true },
      schema: {
        tags: ['agent'],
        summary: 'Report liveness, inventory and counters',
        body: HeartbeatRequestSchema,
        response: responses({ 200: HeartbeatResponseSchema }, [409]),
      },
    },
    async (request) => {
      const agent = agentOf(request);
      request.audit.target = agent.agentId;
      const now = clock();
      const { previousStatus, hostname } = await recordHeartbeat(db, agent.agentId, request.body, now);
      metrics.heartbeats.inc();
      if (previousStatus === 'stale') {
        for (const alert of await resolveAlerts(db, 'agent_stale', agent.agentId, now)) {
          events.emit('alert.resolved', alert);
        }
        events.emit('agent.recovered', { agentId: agent.agentId, hostname });
      }
      return {
        serverTime: now,
        heartbeatIntervalSeconds: config.heartbeatIntervalSeconds,
        staleAfterSeconds: config.staleHeartbeatSeconds,
      };
    },
  );
}
