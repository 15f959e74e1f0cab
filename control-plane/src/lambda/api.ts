/**
 * The control plane behind API Gateway (REST v1 or HTTP API v2) + Lambda, through @fastify/aws-lambda: the same app,
 * the same routes and auth, no listener. Configuration comes from the environment as for `serve`; in Lambda set
 * DATABASE_URL (the function's file system is read-only outside /tmp, and PGlite is per-process).
 */
import awsLambdaFastify, { type LambdaResponse, type PromiseHandler } from '@fastify/aws-lambda';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../app.ts';
import { loadConfig } from '../config/load.ts';
import { incidentsPlugin } from '../detect/incidents-plugin.ts';
import { scorePlugin } from '../score/plugin.ts';
import { openStore } from '../server.ts';

type Proxy = PromiseHandler<unknown, LambdaResponse>;

/** Wraps a built app; `ready()` runs once, before the first request. */
export function createApiHandler(app: FastifyInstance): Proxy {
  return awsLambdaFastify<unknown>(app, { decorateRequest: false, serializeLambdaArguments: false });
}

let cached: Promise<Proxy> | undefined;

async function fromEnv(): Promise<Proxy> {
  const config = loadConfig();
  const db = await openStore(config);
  // Jobs (staleness checks, retention) belong to the long-running service, not to each Lambda container.
  const app = await buildApp(config, { db, startJobs: false, plugins: [scorePlugin(), incidentsPlugin()] });
  await app.ready();
  return createApiHandler(app);
}

/** The Lambda entry point. */
export async function handler(event: unknown, context: unknown) {
  cached ??= fromEnv().catch((err) => {
    cached = undefined;
    throw err;
  });
  return (await cached)(event, context as never);
}
