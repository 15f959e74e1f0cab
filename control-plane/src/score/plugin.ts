import { type Static, Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { LOG_FORMATS } from '../../../models/src/parse/types.ts';
import { FeatureContributionSchema, LogEventSchema } from '../../../models/src/schema/index.ts';
import { CloudDetector, type CloudDetectorOptions } from '../detect/cloud-detector.ts';
import { ApiError } from '../http/errors.ts';
import { responses } from '../routes/common.ts';
import { scoreRequest } from './score-service.ts';

export interface ScorePluginOptions {
  /** A loaded detector to share (the ingest path's); else one is loaded from `detector` options. */
  shared?: CloudDetector;
  detector?: CloudDetectorOptions;
  /** Events (normalized + raw lines) per request (default 20,000). */
  maxEvents?: number;
  /** Request body cap for this route (default 16 MiB). */
  bodyLimit?: number;
  /** Requests per minute per caller on this route (default 600). */
  perMinute?: number;
}

const ScoreBodySchema = (maxEvents: number) =>
  Type.Object(
    {
      events: Type.Optional(Type.Array(LogEventSchema, { maxItems: maxEvents })),
      format: Type.Optional(Type.Union(LOG_FORMATS.map((f) => Type.Literal(f)))),
      lines: Type.Optional(Type.Array(Type.String({ maxLength: 65_536 }), { maxItems: maxEvents })),
      topFeatures: Type.Optional(Type.Integer({ minimum: 0, maximum: 32 })),
      explain: Type.Optional(
        Type.Union([Type.Literal('anomalous'), Type.Literal('all'), Type.Literal('none')], {
          description: 'rows that get top features (default anomalous; TreeSHAP on every row is much slower)',
        }),
      ),
    },
    { additionalProperties: false },
  );

const ScoredWindowSchema = Type.Object({
  entity: Type.Object({ kind: Type.String(), id: Type.String() }),
  window: Type.Object({ start: Type.Number(), end: Type.Number() }),
  score: Type.Number(),
  anomalous: Type.Boolean(),
  type: Type.String(),
  typeProb: Type.Optional(Type.Number()),
  topFeatures: Type.Array(FeatureContributionSchema),
  lines: Type.Array(Type.String()),
  targets: Type.Record(Type.String(), Type.Union([Type.String(), Type.Number()])),
});

const ScoreResponseSchema = Type.Object({
  modelVersion: Type.String(),
  threshold: Type.Number(),
  events: Type.Integer(),
  rejectedCount: Type.Integer(),
  rejected: Type.Array(
    Type.Object({
      file: Type.String(),
      line: Type.Integer(),
      code: Type.String(),
      message: Type.String(),
      field: Type.Optional(Type.String()),
    }),
  ),
  rows: Type.Array(ScoredWindowSchema),
});

/**
 * POST /v1/score: the inference API (the seed's API Gateway surface). Viewer role: it reads models and changes no
 * state, so like agent telemetry only refused or failed calls are audited (all of them with auditAgentTelemetry);
 * a dedicated per-caller rate limit and body cap bound what one caller can spend.
 */
export function scorePlugin(opts: ScorePluginOptions = {}) {
  return async function score(app: FastifyInstance): Promise<void> {
    const detector = opts.shared ?? (await CloudDetector.load(opts.detector));
    if (!opts.shared) app.addHook('onClose', () => detector.close());
    const maxEvents = opts.maxEvents ?? 20_000;
    const Body = ScoreBodySchema(maxEvents);

    app.post<{ Body: Static<typeof Body> }>(
      '/v1/score',
      {
        bodyLimit: opts.bodyLimit ?? 16 * 1024 * 1024,
        config: { auth: 'viewer', telemetry: true, rateLimit: { max: opts.perMinute ?? 600, timeWindow: 60_000 } },
        schema: {
          tags: ['inference'],
          summary: 'Score events: every entity-window with its P(anomaly), type and top features',
          description:
            'Send `events` (normalized LogEvent objects) and/or `format` + `lines` (raw log lines). Each request ' +
            'gets a fresh feature engine: windows are computed from this request alone and flushed at the end.',
          body: Body,
          response: responses({ 200: ScoreResponseSchema }, [413]),
        },
      },
      async (request) => {
        const b = request.body;
        if (b.lines && !b.format) throw new ApiError(400, 'invalid_request', 'lines need a format', 'format');
        if (!b.lines && !b.events) throw new ApiError(400, 'invalid_request', 'send events or lines', 'events');
        if ((b.events?.length ?? 0) + (b.lines?.length ?? 0) > maxEvents) {
          throw new ApiError(400, 'invalid_request', `at most ${maxEvents} events and lines per request`, 'events');
        }
        return scoreRequest(detector, b, app.vigil.clock());
      },
    );
  };
}
