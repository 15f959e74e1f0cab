import { type Static, Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { ApiError } from '../http/errors.ts';
import { responses } from '../routes/common.ts';
import type { AgentPrincipal } from '../store/credentials.ts';
import type { OperatorPrincipal } from '../store/operators.ts';
import type { ActionsOptions } from './plugin.ts';
import type { SsmRunner } from './ssm-runner.ts';
import { actionStats, listRecommendations } from './stats.ts';
import {
  newApprovalId,
  pendingForAgent,
  recordDecision,
  recordOutcome,
  recordSsmSent,
  undecidedRecommendation,
} from './store.ts';
import { ssmTarget, TargetError } from './targets.ts';

const Params = Type.Object({ id: Type.String({ pattern: '^[1-9][0-9]{0,14}$' }) }, { additionalProperties: false });
const Reason = Type.String({ minLength: 1, maxLength: 1024 });
const ApproveBody = Type.Object(
  {
    reason: Reason,
    via: Type.Optional(Type.Union([Type.Literal('agent'), Type.Literal('ssm')], { default: 'agent' })),
    ttlSeconds: Type.Optional(Type.Integer({ minimum: 60, maximum: 86_400 })),
  },
  { additionalProperties: false },
);
const RejectBody = Type.Object({ reason: Reason }, { additionalProperties: false });
const Decided = Type.Object({
  approvalId: Type.String(),
  decision: Type.String(),
  via: Type.Union([Type.String(), Type.Null()]),
  expiresAt: Type.Union([Type.Integer(), Type.Null()]),
  ssmCommandId: Type.Optional(Type.String()),
});
const Tally = Type.Object({
  success: Type.Integer(),
  failure: Type.Integer(),
  rate: Type.Union([Type.Number(), Type.Null()]),
});
const PendingItem = Type.Object({
  approvalId: Type.String(),
  recommendationId: Type.String(),
  playbook: Type.String(),
  anomalyId: Type.Optional(Type.String()),
  target: Type.Optional(Type.String()),
  approvedBy: Type.String(),
  approvedAt: Type.Integer(),
  expiresAt: Type.Integer(),
});
const ListQuery = Type.Object(
  {
    status: Type.Optional(Type.Union(['pending', 'approved', 'rejected'].map((s) => Type.Literal(s)))),
    limit: Type.Integer({ minimum: 1, maximum: 1000, default: 100 }),
  },
  { additionalProperties: false },
);
const StatsQuery = Type.Object(
  { sinceDays: Type.Integer({ minimum: 1, maximum: 3650, default: 30 }) },
  { additionalProperties: false },
);
type IdReq<B> = { Params: Static<typeof Params>; Body: B };
const operator = (p: unknown) => (p as OperatorPrincipal).name;

export function actionRoutes(opts: ActionsOptions, runner: SsmRunner | null) {
  return async (app: FastifyInstance): Promise<void> => {
    const { db, clock, events } = app.vigil;

    app.post<IdReq<Static<typeof ApproveBody>>>(
      '/v1/actions/:id/approve',
      {
        config: { auth: 'operator', audit: 'action.approve' },
        schema: {
          tags: ['actions'],
          summary: 'Approve a recommended action: the agent runs it (via agent) or SSM runs it on the host (via ssm)',
          params: Params,
          body: ApproveBody,
          response: responses({ 201: Decided }, [404, 409, 502]),
        },
      },
      async (request, reply) => {
        const via = request.body.via ?? 'agent';
        const action = await undecidedRecommendation(db, Number(request.params.id));
        request.audit = {
          target: request.params.id,
          detail: { via, playbook: action.playbook, reason: request.body.reason },
        };
        let target = null;
        if (via === 'ssm') {
          if (!runner)
            throw new ApiError(409, 'ssm_unavailable', 'SSM delivery is not configured on this server', 'via');
          if (!action.instanceId || !/^(i|mi)-[0-9a-f]{8,17}$/.test(action.instanceId)) {
            throw new ApiError(
              409,
              'ssm_unavailable',
              `host ${action.host ?? '?'} is not an SSM managed instance`,
              'via',
            );
          }
          try {
            target = ssmTarget(action.playbook, action.target, opts.mountAllowlist);
          } catch (err) {
            if (err instanceof TargetError) throw new ApiError(400, 'invalid_target', err.message, 'target');
            throw err;
          }
        }
        const now = clock();
        const id = newApprovalId();
        const expiresAt = now + (request.body.ttlSeconds ?? opts.approvalTtlSeconds) * 1000;
        const by = operator(request.principal);
        await recordDecision(db, {
          id,
          action,
          decision: 'approved',
          via,
          reason: request.body.reason,
          by,
          at: now,
          expiresAt,
        });
        events.emit('action.decided', { id: request.params.id, decision: 'approved', by });
        const out = { approvalId: id, decision: 'approved', via, expiresAt };
        if (!runner || !target || !action.instanceId) return reply.code(201).send(out);
        try {
          const commandId = await runner.send(action.instanceId, id, target);
          await recordSsmSent(db, id, commandId, action.instanceId);
          return reply.code(201).send({ ...out, ssmCommandId: commandId });
        } catch (err) {
          request.log.error({ err, approvalId: id }, 'SSM SendCommand failed');
          await recordOutcome(db, id, 'SendFailed', false, `SendCommand failed: ${(err as Error).name}`, clock());
          throw new ApiError(
            502,
            'ssm_failed',
            `SSM SendCommand failed (${(err as Error).name}); recorded as a failure`,
          );
        }
      },
    );

    app.post<IdReq<Static<typeof RejectBody>>>(
      '/v1/actions/:id/reject',
      {
        config: { auth: 'operator', audit: 'action.reject' },
        schema: {
          tags: ['actions'],
          summary: 'Reject a recommended action, with the reason',
          params: Params,
          body: RejectBody,
          response: responses({ 201: Decided }, [404, 409]),
        },
      },
      async (request, reply) => {
        const action = await undecidedRecommendation(db, Number(request.params.id));
        request.audit = {
          target: request.params.id,
          detail: { playbook: action.playbook, reason: request.body.reason },
        };
        const id = newApprovalId();
        const by = operator(request.principal);
        await recordDecision(db, {
          id,
          action,
          decision: 'rejected',
          via: null,
          reason: request.body.reason,
          by,
          at: clock(),
          expiresAt: null,
        });
        events.emit('action.decided', { id: request.params.id, decision: 'rejected', by });
        return reply.code(201).send({ approvalId: id, decision: 'rejected', via: null, expiresAt: null });
      },
    );

    app.get<{ Querystring: Static<typeof ListQuery> }>(
      '/v1/actions/recommendations',
      {
        config: { auth: 'viewer' },
        schema: {
          tags: ['actions'],
          summary: 'Recommended actions and their decisions, newest first (the approval queue)',
          querystring: ListQuery,
          response: responses({ 200: Type.Object({ items: Type.Array(Type.Record(Type.String(), Type.Unknown())) }) }),
        },
      },
      async (request) => ({ items: await listRecommendations(db, request.query.status, request.query.limit) }),
    );

    app.get<{ Querystring: Static<typeof StatsQuery> }>(
      '/v1/actions/stats',
      {
        config: { auth: 'viewer' },
        schema: {
          tags: ['actions'],
          summary: 'Per playbook: success and failure of autonomous and of approved actions, and the success rate',
          querystring: StatsQuery,
          response: responses({
            200: Type.Object({
              sinceDays: Type.Integer(),
              playbooks: Type.Record(Type.String(), Type.Object({ auto: Tally, approved: Tally })),
            }),
          }),
        },
      },
      async (request) => ({
        sinceDays: request.query.sinceDays,
        playbooks: await actionStats(db, clock() - request.query.sinceDays * 86_400_000),
      }),
    );

    app.get(
      '/v1/agents/actions/pending',
      {
        config: { auth: 'agent' },
        schema: {
          tags: ['agent'],
          summary: 'Approved recommendations this agent should re-verify and run',
          response: responses({
            200: Type.Object({ items: Type.Array(PendingItem), nextPollSeconds: Type.Integer() }),
          }),
        },
      },
      async (request) => ({
        items: await pendingForAgent(db, (request.principal as AgentPrincipal).agentId, clock()),
        nextPollSeconds: opts.nextPollSeconds,
      }),
    );
  };
}
