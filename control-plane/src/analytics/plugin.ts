import { type Static, Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { ApiError } from '../http/errors.ts';
import { responses } from '../routes/common.ts';
import { checkWindow, computeKpis, defaultBucketMs, KpiWindowError } from './kpis.ts';
import { KpiReportSchema } from './schema.ts';

const DAY_MS = 86_400_000;

const KpiQuery = Type.Object(
  {
    from: Type.Optional(Type.Integer({ minimum: 0, description: 'epoch ms, inclusive; default to − 30 days' })),
    to: Type.Optional(Type.Integer({ minimum: 1, description: 'epoch ms, exclusive; default now' })),
    bucket: Type.Optional(
      Type.Integer({ minimum: 60_000, description: 'series bucket in ms; default a round size giving ≤ 60 buckets' }),
    ),
  },
  { additionalProperties: false },
);

/** `GET /v1/kpis`: the KPI report of one window (analytics/kpis.ts defines every figure). */
export function analyticsPlugin() {
  return async function analytics(app: FastifyInstance): Promise<void> {
    const { db, clock, config } = app.vigil;
    app.get<{ Querystring: Static<typeof KpiQuery> }>(
      '/v1/kpis',
      {
        config: { auth: 'viewer' },
        schema: {
          tags: ['analytics'],
          summary: 'KPIs of a window: anomalies, incidents, precision, MTTD/MTTR, action success, uptime, top hosts',
          querystring: KpiQuery,
          response: responses({ 200: KpiReportSchema }),
        },
      },
      async (request) => {
        const to = request.query.to ?? clock();
        const from = request.query.from ?? to - 30 * DAY_MS;
        const window = { from, to, bucketMs: request.query.bucket ?? defaultBucketMs(from, to) };
        try {
          checkWindow(window);
        } catch (err) {
          if (err instanceof KpiWindowError) throw new ApiError(400, 'invalid_request', err.message, err.field);
          throw err;
        }
        return computeKpis(db, window, { staleAfterMs: config.staleHeartbeatSeconds * 1000 });
      },
    );
  };
}
