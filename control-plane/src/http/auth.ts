import type { FastifyInstance, FastifyReply, FastifyRequest, RouteOptions } from 'fastify';
import { roleAllows, secretKind } from '../auth/tokens.ts';
import type { AuthLevel, Principal, VigilContext } from '../context.ts';
import { writeAudit } from '../store/audit.ts';
import { authenticateAgent } from '../store/credentials.ts';
import { authenticateOperator } from '../store/operators.ts';
import { ApiError } from './errors.ts';

const LEVELS: readonly AuthLevel[] = ['public', 'agent', 'viewer', 'operator', 'admin'];
const BEARER = /^Bearer ([!-~]{1,200})$/;

/** Per-IP count of failed authentications in the current minute; bounded so a flood cannot grow it without end. */
class FailureLimiter {
  private readonly counts = new Map<string, { n: number; resetAt: number }>();
  constructor(private readonly perMinute: number) {}
  blocked(ip: string, now: number): number {
    const c = this.counts.get(ip);
    return c && c.resetAt > now && c.n >= this.perMinute ? Math.ceil((c.resetAt - now) / 1000) : 0;
  }
  fail(ip: string, now: number): void {
    const c = this.counts.get(ip);
    if (!c || c.resetAt <= now) {
      if (this.counts.size >= 10_000) this.counts.clear();
      this.counts.set(ip, { n: 1, resetAt: now + 60_000 });
    } else c.n++;
  }
}

function securityFor(level: AuthLevel) {
  if (level === 'public') return [];
  return [{ [level === 'agent' ? 'agentCredential' : 'operatorToken']: [] }];
}

/** Every route must declare who may call it; docs routes registered by plugins are public. */
function requireAuthLevel(route: RouteOptions): void {
  const config = (route.config ??= {}) as { auth?: AuthLevel };
  if (!config.auth && route.url.startsWith('/docs')) config.auth = 'public';
  if (!config.auth || !LEVELS.includes(config.auth)) {
    throw new Error(`route ${route.method} ${route.url} must declare config.auth (${LEVELS.join('|')})`);
  }
  if (route.schema && !route.schema.hide) {
    const schema = route.schema as Record<string, unknown>;
    schema.security ??= securityFor(config.auth);
    if (config.auth !== 'public' && config.auth !== 'agent') {
      schema.description =
        `${schema.description ?? ''}\n\nRequires an operator token with role \`${config.auth}\` or higher.`.trim();
    }
  }
}

async function authenticate(ctx: VigilContext, level: AuthLevel, header: string | undefined): Promise<Principal> {
  const m = header ? BEARER.exec(header) : null;
  if (!m) throw new ApiError(401, 'unauthenticated', 'missing or malformed Authorization: Bearer header');
  const secret = m[1];
  const kind = secretKind(secret);
  if (kind === null || kind === 'enrollment') throw new ApiError(401, 'invalid_credential', 'credential is not valid');
  if (level === 'agent' && kind !== 'agent') {
    throw new ApiError(403, 'wrong_credential_kind', 'operator tokens cannot call agent routes');
  }
  if (level !== 'agent' && kind !== 'operator') {
    throw new ApiError(403, 'wrong_credential_kind', 'agent credentials cannot call operator routes');
  }
  const principal =
    kind === 'agent'
      ? await authenticateAgent(ctx.db, secret, ctx.clock())
      : await authenticateOperator(ctx.db, secret);
  if (!principal) throw new ApiError(401, 'invalid_credential', 'credential is unknown, expired or revoked');
  return principal;
}

function authorize(principal: Principal, level: AuthLevel): void {
  if (principal.kind === 'operator' && level !== 'agent' && !roleAllows(principal.role, level as 'viewer')) {
    throw new ApiError(403, 'forbidden', `this route requires role ${level}; the token has role ${principal.role}`);
  }
}

const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

function actorOf(request: FastifyRequest) {
  const p = request.principal;
  if (p?.kind === 'agent') return { kind: 'agent' as const, id: p.agentId };
  if (p?.kind === 'operator') return { kind: 'operator' as const, id: p.name };
  if (request.audit.actor) return request.audit.actor;
  return { kind: 'anonymous' as const, id: null };
}

async function auditMutation(ctx: VigilContext, request: FastifyRequest, reply: FastifyReply): Promise<void> {
  const status = reply.statusCode;
  const actor = actorOf(request);
  try {
    await writeAudit(ctx.db, {
      at: ctx.clock(),
      actorKind: actor.kind,
      actorId: actor.id,
      action: request.routeOptions.config.audit ?? `${request.method} ${request.routeOptions.url}`,
      target: request.audit.target ?? null,
      result: status < 400 ? 'ok' : status === 401 || status === 403 ? 'denied' : 'error',
      status,
      requestId: request.id,
      ip: request.ip,
      detail: request.audit.detail ?? null,
    });
  } catch (err) {
    ctx.metrics.auditFailures.inc();
    request.log.error({ err }, 'audit write failed');
  }
}

/**
 * The one place access is decided. onRoute makes `config.auth` mandatory; onRequest authenticates the bearer
 * secret for the route's level (agent credentials and operator tokens are never interchangeable); onSend writes an
 * audit record for every mutating call before the response leaves, so a success the client saw is always audited.
 */
export function installAuth(app: FastifyInstance, ctx: VigilContext): void {
  const limiter = new FailureLimiter(ctx.config.rateLimit.authFailuresPerMinute);
  app.decorateRequest('principal', null);
  app.decorateRequest('audit', null as never);
  app.addHook('onRoute', requireAuthLevel);

  app.addHook('onRequest', async (request, reply) => {
    request.audit = {};
    const level = request.routeOptions.config?.auth;
    if (!level || level === 'public') return;
    const now = ctx.clock();
    const wait = limiter.blocked(request.ip, now);
    if (wait) {
      reply.header('retry-after', String(wait));
      throw new ApiError(429, 'rate_limited', 'too many failed authentications from this address');
    }
    try {
      request.principal = await authenticate(ctx, level, request.headers.authorization);
      // Known but not allowed: the principal stays set so the audit record names who tried.
      authorize(request.principal, level);
    } catch (err) {
      if (err instanceof ApiError) {
        ctx.metrics.authFailures.inc({ reason: err.code });
        if (err.statusCode === 401) limiter.fail(request.ip, now);
      }
      throw err;
    }
  });

  app.addHook('onSend', async (request, reply, payload) => {
    const config = request.routeOptions.config;
    if (!config?.auth || !MUTATING.has(request.method) || reply.statusCode === 429) return payload;
    if (config.telemetry && !ctx.config.auditAgentTelemetry && reply.statusCode < 400) return payload;
    await auditMutation(ctx, request, reply);
    return payload;
  });
}
