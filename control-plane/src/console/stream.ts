import type { ServerResponse } from 'node:http';
import type { FastifyInstance } from 'fastify';
import type { EventName, VigilEventMap } from '../events.ts';
import { ApiError } from '../http/errors.ts';
import type { OperatorPrincipal } from '../store/operators.ts';

/**
 * What the console hears live. Payloads are small notices (ids, counts, states), never log content: a page that
 * cares re-reads its data through the normal, role-checked routes.
 */
const FORWARDED = [
  'anomalies.ingested',
  'actions.ingested',
  'incident.changed',
  'action.decided',
  'rollout.changed',
  'alert.raised',
  'alert.resolved',
  'agent.enrolled',
  'agent.revoked',
  'agent.stale',
  'agent.recovered',
] as const satisfies readonly EventName[];

type Notice = { [E in (typeof FORWARDED)[number]]: (p: VigilEventMap[E]) => Record<string, unknown> };

/** Strips each event to what a viewer may see and needs in order to decide whether to refetch. */
const NOTICE: Notice = {
  'anomalies.ingested': (p) => ({ agentId: p.agentId, accepted: p.accepted }),
  'actions.ingested': (p) => ({ agentId: p.agentId, accepted: p.accepted }),
  'incident.changed': (p) => ({ id: p.id, status: p.status, by: p.by }),
  'action.decided': (p) => ({ id: p.id, decision: p.decision, by: p.by }),
  'rollout.changed': (p) => ({ id: p.id, status: p.status, by: p.by }),
  'alert.raised': (p) => ({ id: p.id, kind: p.kind, severity: p.severity }),
  'alert.resolved': (p) => ({ id: p.id, kind: p.kind }),
  'agent.enrolled': (p) => ({ agentId: p.agentId }),
  'agent.revoked': (p) => ({ agentId: p.agentId }),
  'agent.stale': (p) => ({ agentId: p.agentId }),
  'agent.recovered': (p) => ({ agentId: p.agentId }),
};

export interface StreamOptions {
  /** Comment line sent this often so proxies and the client can tell a quiet stream from a dead one. */
  keepAliveMs: number;
  maxStreams: number;
  maxStreamsPerToken: number;
}

/**
 * `GET /v1/console/stream`: Server-Sent Events over a normal authenticated request. The browser reads it with
 * fetch() and a stream reader, so the bearer token travels in the Authorization header, never in a URL.
 */
export function streamRoute(opts: StreamOptions) {
  return async (app: FastifyInstance): Promise<void> => {
    const { events, db } = app.vigil;
    const clients = new Set<{ res: ServerResponse; tokenId: string }>();
    let seq = 0;

    const broadcast = (event: string, data: object) => {
      const frame = `id: ${++seq}\nevent: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
      for (const c of clients) c.res.write(frame);
    };
    const forward = <E extends (typeof FORWARDED)[number]>(name: E) =>
      events.on(name, (p: VigilEventMap[E]) => broadcast(name, (NOTICE[name] as (x: VigilEventMap[E]) => object)(p)));
    const offs = FORWARDED.map(forward);
    // A revoked token must not keep listening: each tick ends the streams of tokens revoked since they opened.
    const tick = async () => {
      if (clients.size === 0) return;
      const ids = [...new Set([...clients].map((c) => c.tokenId))];
      const { rows } = await db.query<{ id: string }>(
        'SELECT id FROM api_tokens WHERE id = ANY($1::text[]) AND revoked_at IS NOT NULL',
        [ids],
      );
      const revoked = new Set(rows.map((r) => r.id));
      for (const c of clients) {
        if (revoked.has(c.tokenId)) {
          clients.delete(c);
          c.res.end('event: revoked\ndata: {}\n\n');
        } else c.res.write(': keep-alive\n\n');
      }
    };
    const timer = setInterval(() => {
      tick().catch((err) => app.log.error({ err }, 'console stream tick failed'));
    }, opts.keepAliveMs);
    timer.unref();
    // Open streams would hold close() forever: end them first, then the server can drain normally.
    app.addHook('preClose', async () => {
      clearInterval(timer);
      for (const off of offs) off();
      for (const c of clients) c.res.end();
      clients.clear();
    });

    app.get(
      '/v1/console/stream',
      {
        config: { auth: 'viewer' },
        schema: {
          tags: ['console'],
          summary: 'Live notices for the console (text/event-stream): incident, action, rollout, alert, agent events',
        },
      },
      async (request, reply) => {
        const tokenId = (request.principal as OperatorPrincipal).tokenId;
        let mine = 0;
        for (const c of clients) if (c.tokenId === tokenId) mine++;
        if (clients.size >= opts.maxStreams || mine >= opts.maxStreamsPerToken) {
          throw new ApiError(429, 'rate_limited', 'too many open console streams; close another tab and retry');
        }
        reply.hijack();
        const res = reply.raw;
        res.writeHead(200, {
          'content-type': 'text/event-stream; charset=utf-8',
          'cache-control': 'no-store',
          'x-accel-buffering': 'no',
          'x-request-id': request.id,
        });
        res.write(`retry: 3000\nevent: hello\ndata: ${JSON.stringify({ at: app.vigil.clock() })}\n\n`);
        const client = { res, tokenId };
        clients.add(client);
        request.raw.once('close', () => clients.delete(client));
      },
    );
  };
}
