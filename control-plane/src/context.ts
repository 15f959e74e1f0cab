import type { Config } from './config/schema.ts';
import type { Db } from './db/db.ts';
import type { VigilEvents } from './events.ts';
import type { JobScheduler } from './jobs.ts';
import type { AppMetrics } from './metrics/app-metrics.ts';
import type { AgentPrincipal } from './store/credentials.ts';
import type { OperatorPrincipal } from './store/operators.ts';

/** What every route plugin gets: `app.vigil`. Later areas (cloud ingest, registry, console) use the same. */
export interface VigilContext {
  config: Config;
  db: Db;
  /** Epoch ms. Injected so tests control time (staleness, expiry, retention). */
  clock: () => number;
  events: VigilEvents;
  metrics: AppMetrics;
  jobs: JobScheduler;
}

export type Principal = AgentPrincipal | OperatorPrincipal;

/** Route access level, set on EVERY route as `config: { auth }`; enforced in one place (http/auth.ts). */
export type AuthLevel = 'public' | 'agent' | 'viewer' | 'operator' | 'admin';

declare module 'fastify' {
  interface FastifyInstance {
    vigil: VigilContext;
  }
  interface FastifyContextConfig {
    auth?: AuthLevel;
    /** Name recorded in the audit log for mutating calls (defaults to "METHOD /route"). */
    audit?: string;
    /** High-volume agent telemetry (heartbeat, batches): successful calls are audited only if auditAgentTelemetry. */
    telemetry?: boolean;
  }
  interface FastifyRequest {
    principal: Principal | null;
    /** Set by handlers: what a mutating call acted on, and anything worth keeping in the audit record. */
    audit: { target?: string; detail?: Record<string, unknown>; actor?: { kind: 'agent'; id: string } };
  }
}
