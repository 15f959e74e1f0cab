import type { Static } from '@sinclair/typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import {
  AuditListSchema,
  AuditQuerySchema,
  IdParamSchema,
  TokenCreatedSchema,
  TokenCreateSchema,
  TokenViewSchema,
} from '../api/schemas.ts';
import { ApiError } from '../http/errors.ts';
import { queryAudit } from '../store/audit.ts';
import { createOperatorToken, listOperatorTokens, revokeOperatorToken } from '../store/operators.ts';
import { NoContent, responses } from './common.ts';
import { operatorOf } from './operator-fleet.ts';

/** Operator tokens and the audit log. */
export async function operatorAdminRoutes(app: FastifyInstance): Promise<void> {
  const { db, clock } = app.vigil;

  app.post<{ Body: Static<typeof TokenCreateSchema> }>(
    '/v1/tokens',
    {
      config: { auth: 'admin', audit: 'token.create' },
      schema: {
        tags: ['admin'],
        summary: 'Create an operator API token (returned once)',
        body: TokenCreateSchema,
        response: responses({ 201: TokenCreatedSchema }),
      },
    },
    async (request, reply) => {
      const created = await createOperatorToken(db, {
        ...request.body,
        createdBy: operatorOf(request).name,
        now: clock(),
      });
      request.audit = { target: created.id, detail: { name: created.name, role: created.role } };
      return reply.code(201).send(created);
    },
  );

  app.get(
    '/v1/tokens',
    {
      config: { auth: 'admin' },
      schema: {
        tags: ['admin'],
        summary: 'List operator tokens (never the secrets)',
        response: responses({ 200: Type.Object({ items: Type.Array(TokenViewSchema) }) }),
      },
    },
    async () => ({ items: await listOperatorTokens(db) }),
  );

  app.post<{ Params: Static<typeof IdParamSchema> }>(
    '/v1/tokens/:id/revoke',
    {
      config: { auth: 'admin', audit: 'token.revoke' },
      schema: {
        tags: ['admin'],
        summary: 'Revoke an operator token',
        params: IdParamSchema,
        response: responses({ 204: NoContent }, [404]),
      },
    },
    async (request, reply) => {
      const { id } = request.params;
      request.audit.target = id;
      if (!(await revokeOperatorToken(db, id, clock()))) {
        throw new ApiError(404, 'not_found', `no active token ${id}`, 'id');
      }
      return reply.code(204).send();
    },
  );

  app.get<{ Querystring: Static<typeof AuditQuerySchema> }>(
    '/v1/audit',
    {
      config: { auth: 'operator' },
      schema: {
        tags: ['admin'],
        summary: 'Read the audit log, newest first',
        querystring: AuditQuerySchema,
        response: responses({ 200: AuditListSchema }),
      },
    },
    async (request) => queryAudit(db, request.query),
  );
}
