import { Type } from '@sinclair/typebox';
import type { FastifyError, FastifyInstance } from 'fastify';

/** The one error body every route returns: `{error: {code, message, field?}}`. */
export const ErrorBodySchema = Type.Object(
  {
    error: Type.Object({
      code: Type.String({ description: 'stable machine-readable code, e.g. invalid_request' }),
      message: Type.String({ description: 'human-readable explanation' }),
      field: Type.Optional(Type.String({ description: 'the offending field, dotted path (anomalies.3.score)' })),
    }),
  },
  { $id: 'ErrorBody' },
);

/** An error a handler throws on purpose: status, stable code, message, and the field when one is at fault. */
export class ApiError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** Raised by the validator compiler; `field` is the dotted path inside the request part. */
export class RequestValidationError extends Error {
  readonly statusCode = 400;
  constructor(
    readonly part: string,
    readonly field: string,
    message: string,
  ) {
    super(`${part}${field ? ` ${field}` : ''}: ${message}`);
    this.name = 'RequestValidationError';
  }
}

export const errorBody = (code: string, message: string, field?: string) => ({
  error: field === undefined ? { code, message } : { code, message, field },
});

const FASTIFY_CODES: Record<string, [number, string]> = {
  FST_ERR_CTP_BODY_TOO_LARGE: [413, 'payload_too_large'],
  FST_ERR_CTP_INVALID_MEDIA_TYPE: [415, 'unsupported_media_type'],
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: [400, 'invalid_request'],
  FST_ERR_CTP_EMPTY_JSON_BODY: [400, 'invalid_json'],
  FST_ERR_CTP_INVALID_JSON_BODY: [400, 'invalid_json'],
};

/** Maps every thrown error to the error body; 5xx details go to the log, never to the client. */
export function installErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError | ApiError | RequestValidationError, request, reply) => {
    if (err instanceof ApiError) return reply.code(err.statusCode).send(errorBody(err.code, err.message, err.field));
    if (err instanceof RequestValidationError) {
      return reply.code(400).send(errorBody('invalid_request', err.message, err.field || undefined));
    }
    const known = 'code' in err && err.code ? FASTIFY_CODES[err.code] : undefined;
    if (known) return reply.code(known[0]).send(errorBody(known[1], err.message));
    if (err instanceof SyntaxError && (err as FastifyError).statusCode === 400) {
      return reply.code(400).send(errorBody('invalid_json', err.message));
    }
    const status = (err as FastifyError).statusCode ?? 500;
    if (status === 429) return reply.code(429).send(errorBody('rate_limited', err.message));
    if (status >= 400 && status < 500) return reply.code(status).send(errorBody('bad_request', err.message));
    request.log.error({ err }, 'request failed');
    return reply.code(500).send(errorBody('internal_error', `internal error (request ${request.id})`));
  });
  app.setNotFoundHandler((request, reply) => {
    reply.code(404).send(errorBody('not_found', `no route ${request.method} ${request.url.split('?')[0]}`));
  });
}
