import { randomUUID } from 'node:crypto';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import type { Config } from './config/schema.ts';
import type { VigilContext } from './context.ts';
import type { Db } from './db/db.ts';
import { VigilEvents } from './events.ts';
import { housekeepingJobs } from './housekeeping.ts';
import { installAuth } from './http/auth.ts';
import { ErrorBodySchema, installErrorHandling } from './http/errors.ts';
import { installHelmet, installRateLimit, installRequestMetrics, installShutdownGate } from './http/protection.ts';
import { typeboxValidatorCompiler } from './http/validation.ts';
import { JobScheduler } from './jobs.ts';
import { createAppMetrics } from './metrics/app-metrics.ts';
import { agentIngestRoutes } from './routes/agent-ingest.ts';
import { agentSessionRoutes } from './routes/agent-session.ts';
import { healthRoutes } from './routes/health.ts';
import { operatorAdminRoutes } from './routes/operator-admin.ts';
import { operatorFleetRoutes } from './routes/operator-fleet.ts';
import { agentStatusCounts } from './store/agents.ts';

export const API_VERSION = '1.0.0';

export interface AppDeps {
  /** A migrated database (see openStore). The app closes it on close() unless closeDb is false. */
  db: Db;
  closeDb?: boolean;
  clock?: () => number;
  events?: VigilEvents;
  /** Start the periodic jobs when the app is ready (default true). Tests call checkStaleAgents/runRetention. */
  startJobs?: boolean;
  /** Fastify logger option; defaults to JSON logs at config.logLevel. */
  logger?: FastifyServerOptions['logger'];
  /** Extra area plugins (cloud ingest, registry, console, ...) registered after the core routes. */
  plugins?: ((app: FastifyInstance) => Promise<void>)[];
}

async function registerDocs(app: FastifyInstance): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Vigil control plane',
        version: API_VERSION,
        description: 'Fleet anomaly aggregation and agent API. The agent contract is docs/api.md.',
      },
      components: {
        securitySchemes: {
          agentCredential: { type: 'http', scheme: 'bearer', description: 'vgl_ag_... agent credential' },
          operatorToken: { type: 'http', scheme: 'bearer', description: 'vgl_op_... operator API token' },
        },
      },
    },
    refResolver: { buildLocalReference: (json, _base, _fragment, i) => String(json.$id ?? `def-${i}`) },
  });
  await app.register(swaggerUi, { routePrefix: '/docs', staticCSP: false });
}

/**
 * The control plane as a Fastify app: core protection (validation, errors, auth + audit, rate limits, helmet,
 * shutdown gate, metrics), the OpenAPI docs, then one plugin per area. Nothing listens until the caller does.
 */
export async function buildApp(config: Config, deps: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({
    logger: deps.logger ?? { level: config.logLevel },
    bodyLimit: config.bodyLimit,
    trustProxy: config.trustProxy,
    return503OnClosing: false,
    requestIdHeader: false,
    genReqId: () => randomUUID(),
    ajv: { customOptions: { removeAdditional: false } },
  });
  const log = app.log;
  const metrics = createAppMetrics();
  const events = deps.events ?? new VigilEvents((err, event) => log.error({ err, event }, 'event handler failed'));
  const ctx: VigilContext = {
    config,
    db: deps.db,
    clock: deps.clock ?? Date.now,
    events,
    metrics,
    jobs: undefined as unknown as JobScheduler,
  };
  ctx.jobs = new JobScheduler(housekeepingJobs(ctx), (job, err) => log.error({ err, job }, 'job failed'));
  metrics.agents.collect = async () => {
    const counts = await agentStatusCounts(deps.db);
    metrics.agents.reset();
    for (const status of ['active', 'stale', 'revoked']) metrics.agents.set({ status }, counts[status] ?? 0);
  };
  app.decorate('vigil', ctx);

  app.setValidatorCompiler(typeboxValidatorCompiler);
  app.addSchema(ErrorBodySchema);
  installErrorHandling(app);
  await installHelmet(app);
  installShutdownGate(app);
  installRequestMetrics(app, ctx);
  installAuth(app, ctx);
  await installRateLimit(app, ctx);
  await registerDocs(app);

  for (const area of [healthRoutes, agentSessionRoutes, agentIngestRoutes, operatorFleetRoutes, operatorAdminRoutes]) {
    await app.register(area);
  }
  for (const area of deps.plugins ?? []) await app.register(area);

  app.addHook('onReady', async () => {
    if (deps.startJobs !== false) ctx.jobs.start();
  });
  // Graceful shutdown, part 2: Fastify has already waited for in-flight requests; stop jobs (waiting for a running
  // one), let async event handlers finish their writes, then close the database.
  app.addHook('onClose', async () => {
    await ctx.jobs.stop();
    await events.drain();
    if (deps.closeDb !== false) await deps.db.close();
  });
  return app;
}
