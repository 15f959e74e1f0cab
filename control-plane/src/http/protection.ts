import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { VigilContext } from '../context.ts';
import { ApiError } from './errors.ts';

function rateKey(request: FastifyRequest): string {
  const p = request.principal;
  if (p?.kind === 'agent') return `agent:${p.agentId}`;
  if (p?.kind === 'operator') return `token:${p.tokenId}`;
  return `ip:${request.ip}`;
}

/** Security headers on every response, including errors raised by later onRequest hooks (so register it first). */
export async function installHelmet(app: FastifyInstance): Promise<void> {
  await app.register(helmet, {
    // swagger-ui at /docs loads its own scripts and styles from /docs/static; nothing is loaded from elsewhere.
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        frameAncestors: ["'none'"],
        // TLS ends at the load balancer; on plain-HTTP installs an upgrade would break /docs.
        upgradeInsecureRequests: null,
      },
    },
  });
}

/**
 * Per-caller rate limits. The limiter runs after authentication (preParsing, before the body is read), so it counts
 * per agent / per operator token rather than per IP: a fleet behind one NAT is not one caller, and a forged token
 * prefix cannot buy a bigger quota. Unauthenticated calls count per IP. In-memory per replica: with N replicas
 * behind a load balancer the effective limit is up to N times the configured one.
 */
export async function installRateLimit(app: FastifyInstance, ctx: VigilContext): Promise<void> {
  const limits = ctx.config.rateLimit;
  await app.register(rateLimit, {
    global: true,
    hook: 'preParsing',
    timeWindow: 60_000,
    keyGenerator: rateKey,
    max: (request) => {
      const p = request.principal;
      if (p?.kind === 'agent') return limits.agentPerMinute;
      if (p?.kind === 'operator') return limits.operatorPerMinute;
      return limits.anonymousPerMinute;
    },
    errorResponseBuilder: (_request, context) =>
      new ApiError(429, 'rate_limited', `rate limit exceeded; retry after ${Math.ceil(context.ttl / 1000)} s`),
  });
}

/**
 * Graceful shutdown, part 1. Once close() starts the listener stops accepting connections and Fastify waits for
 * running requests. Their responses carry `Connection: close`, so a keep-alive client cannot hold the process open
 * until its idle timeout; a request that still arrives on such a connection gets 503 + Retry-After in our error
 * shape. The onClose hooks (app.ts) then stop jobs and close the database.
 */
export function installShutdownGate(app: FastifyInstance): void {
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  app.addHook('onRequest', async (_request, reply) => {
    if (!closing) return;
    reply.header('retry-after', '5');
    throw new ApiError(503, 'shutting_down', 'server is shutting down; retry on another replica or shortly');
  });
  app.addHook('onSend', async (_request, reply, payload) => {
    if (closing) reply.header('connection', 'close');
    return payload;
  });
}

/** Request metrics and an X-Request-Id header on every response (it is also in the audit log and server log). */
export function installRequestMetrics(app: FastifyInstance, ctx: VigilContext): void {
  const m = ctx.metrics;
  app.addHook('onRequest', async (request, reply) => {
    m.inFlight.inc();
    // 'close' fires exactly once whether the response completed or the client went away.
    reply.raw.once('close', () => m.inFlight.dec());
    reply.header('x-request-id', request.id);
  });
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    m.httpRequests.inc({ method: request.method, route, status: reply.statusCode });
    m.httpDuration.observe({ method: request.method, route }, reply.elapsedTime / 1000);
  });
}
