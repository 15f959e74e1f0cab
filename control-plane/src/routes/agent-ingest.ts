import type { Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { Anomaly } from '../../../models/src/schema/index.ts';
import {
  type ActionReport,
  actionBatchSchema,
  anomalyBatchSchema,
  BatchResultSchema,
  IdempotencyHeaderSchema,
} from '../api/schemas.ts';
import type { Queryable } from '../db/db.ts';
import { insertActions } from '../store/actions.ts';
import { insertAnomalies } from '../store/anomalies.ts';
import { claimBatchKey, itemStatuses } from '../store/batches.ts';
import { agentOf } from './agent-session.ts';
import { responses } from './common.ts';

type Kind = 'anomalies' | 'actions';
type Headers = Static<typeof IdempotencyHeaderSchema>;

/**
 * Agent batches. Each item carries its own id, unique per agent: the database's unique constraint plus ON CONFLICT
 * DO NOTHING makes a re-sent item a no-op, and the response says which items were new. The optional batch
 * Idempotency-Key is recorded in the same transaction (see claimBatchKey).
 */
export async function agentIngestRoutes(app: FastifyInstance): Promise<void> {
  const { db, clock, config, events, metrics } = app.vigil;

  async function ingest<T extends { id: string }>(
    kind: Kind,
    agentId: string,
    key: string | undefined,
    body: unknown,
    items: T[],
    insert: (tx: Queryable, now: number) => Promise<Set<string>>,
  ) {
    const now = clock();
    const { inserted, replayed } = await db.transaction(async (tx) => {
      const replay = key ? await claimBatchKey(tx, agentId, kind, key, body, now) : false;
      return { inserted: await insert(tx, now), replayed: replay };
    });
    const out = { ...itemStatuses(items, inserted), replayed };
    metrics.ingested.inc({ kind, result: 'accepted' }, out.accepted);
    metrics.ingested.inc({ kind, result: 'duplicate' }, out.duplicates);
    if (out.accepted > 0) {
      const ids = out.results.filter((r) => r.status === 'accepted').map((r) => r.id);
      events.emit(`${kind}.ingested`, { agentId, accepted: out.accepted, duplicates: out.duplicates, ids });
    }
    return out;
  }

  const routeConfig = (audit: string) => ({ auth: 'agent' as const, audit, telemetry: true });
  const schemaFor = (summary: string, body: ReturnType<typeof anomalyBatchSchema | typeof actionBatchSchema>) => ({
    tags: ['agent'],
    summary,
    headers: IdempotencyHeaderSchema,
    body,
    response: responses({ 200: BatchResultSchema }, [413, 415, 422]),
  });

  app.post<{ Body: { anomalies: Anomaly[] }; Headers: Headers }>(
    '/v1/agents/anomalies',
    {
      bodyLimit: config.ingestBodyLimit,
      config: routeConfig('agent.anomalies'),
      schema: schemaFor('Send a batch of anomalies (idempotent per item id)', anomalyBatchSchema(config.maxBatchItems)),
    },
    async (request) => {
      const agent = agentOf(request);
      const { anomalies } = request.body;
      const key = request.headers['idempotency-key'];
      const out = await ingest('anomalies', agent.agentId, key, request.body, anomalies, (tx, now) =>
        insertAnomalies(tx, agent.agentId, agent.agentId, agent.hostname, anomalies, now),
      );
      request.audit = { target: agent.agentId, detail: { items: anomalies.length, accepted: out.accepted, key } };
      return out;
    },
  );

  app.post<{ Body: { actions: ActionReport[] }; Headers: Headers }>(
    '/v1/agents/actions',
    {
      bodyLimit: config.ingestBodyLimit,
      config: routeConfig('agent.actions'),
      schema: schemaFor(
        'Send a batch of action records (idempotent per item id)',
        actionBatchSchema(config.maxBatchItems),
      ),
    },
    async (request) => {
      const agent = agentOf(request);
      const { actions } = request.body;
      const key = request.headers['idempotency-key'];
      const out = await ingest('actions', agent.agentId, key, request.body, actions, (tx, now) =>
        insertActions(tx, agent.agentId, agent.agentId, agent.hostname, actions, now),
      );
      request.audit = { target: agent.agentId, detail: { items: actions.length, accepted: out.accepted, key } };
      return out;
    },
  );
}
