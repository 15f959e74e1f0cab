import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { migrationStatus } from '../db/migrate.ts';
import { CONTENT_TYPE } from '../metrics/registry.ts';

const ReadySchema = Type.Object({
  status: Type.Union([Type.Literal('ready'), Type.Literal('not_ready')]),
  checks: Type.Object({
    database: Type.String({ description: "'ok' or the error" }),
    migrations: Type.String({ description: "'ok' or 'at N, need M'" }),
  }),
});

/** Liveness, readiness and Prometheus metrics: unauthenticated by default, never rate limited. */
export async function healthRoutes(app: FastifyInstance): Promise<void> {
  const { db, metrics, config } = app.vigil;

  app.get(
    '/healthz',
    {
      config: { auth: 'public', rateLimit: false },
      schema: {
        tags: ['health'],
        summary: 'Liveness: the process is up',
        response: { 200: Type.Object({ status: Type.Literal('ok') }) },
      },
    },
    async () => ({ status: 'ok' as const }),
  );

  app.get(
    '/readyz',
    {
      config: { auth: 'public', rateLimit: false },
      schema: {
        tags: ['health'],
        summary: 'Readiness: database reachable and every migration applied',
        response: { 200: ReadySchema, 503: ReadySchema },
      },
    },
    async (_request, reply) => {
      let database = 'ok';
      let migrations = 'ok';
      try {
        const s = await migrationStatus(db);
        if (s.current !== s.latest) migrations = `at ${s.current}, need ${s.latest}`;
      } catch (err) {
        database = (err as Error).message;
        migrations = 'unknown';
      }
      const ready = database === 'ok' && migrations === 'ok';
      return reply
        .code(ready ? 200 : 503)
        .send({ status: ready ? 'ready' : 'not_ready', checks: { database, migrations } });
    },
  );

  app.get(
    '/metrics',
    {
      config: { auth: config.metricsPublic ? 'public' : 'viewer', rateLimit: false },
      schema: { tags: ['health'], summary: 'Prometheus metrics (text exposition format 0.0.4)' },
    },
    async (_request, reply) => reply.type(CONTENT_TYPE).send(await metrics.registry.render()),
  );
}
