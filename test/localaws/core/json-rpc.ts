import { AwsError, type FaultKind } from './errors.ts';
import type { LocalRequest, LocalResponse, ServiceHandler, ServiceName } from './types.ts';

export type JsonOperation = (input: Record<string, unknown>, req: LocalRequest) => unknown;

export interface JsonServiceSpec {
  name: ServiceName;
  /** The `X-Amz-Target` prefix, e.g. `Logs_20140328` or `AmazonSSM`. */
  targetPrefix: string;
  /** The member name the service's error shapes use for the message (`message` in Logs, `Message` in SSM). */
  messageMember: 'message' | 'Message';
  operations: Record<string, JsonOperation>;
  /** Error codes for forced faults; defaults are the AWS common errors. */
  faultCodes?: Partial<Record<Exclude<FaultKind, 'ConnectionReset'>, [code: string, status: number]>>;
}

const CONTENT_TYPE = 'application/x-amz-json-1.1';

/** An AWS JSON 1.1 service: POST / with `X-Amz-Target: <prefix>.<Operation>` and a JSON object body. */
export function jsonService(spec: JsonServiceSpec): ServiceHandler {
  const faults = {
    Throttling: ['ThrottlingException', 400],
    ServiceUnavailable: ['ServiceUnavailableException', 503],
    InternalError: ['InternalFailure', 500],
    ...spec.faultCodes,
  } as const;
  return {
    name: spec.name,
    operationOf(req) {
      const target = req.headers['x-amz-target'];
      const prefix = `${spec.targetPrefix}.`;
      const op = typeof target === 'string' && target.startsWith(prefix) ? target.slice(prefix.length) : '';
      if (req.method !== 'POST' || !Object.hasOwn(spec.operations, op)) {
        throw new AwsError('UnknownOperationException', `Unknown operation ${String(target)}`, 400);
      }
      return op;
    },
    handle(operation, req) {
      const output = spec.operations[operation](parseJsonInput(req.body), req);
      return json(200, output ?? {}, req.requestId);
    },
    errorResponse(err, req) {
      const body: Record<string, unknown> = { __type: err.code, [spec.messageMember]: err.message, ...err.fields };
      return json(err.status, body, req.requestId);
    },
    faultError(kind) {
      const [code, status] = faults[kind];
      return new AwsError(code, kind === 'Throttling' ? 'Rate exceeded' : `Forced ${kind} (fault injection)`, status);
    },
  };
}

function parseJsonInput(body: Buffer): Record<string, unknown> {
  if (body.length === 0) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch (err) {
    throw new AwsError('SerializationException', `Request body is not valid JSON: ${(err as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new AwsError('SerializationException', 'Request body must be a JSON object');
  }
  return parsed as Record<string, unknown>;
}

function json(status: number, body: unknown, requestId: string): LocalResponse {
  return {
    status,
    headers: { 'content-type': CONTENT_TYPE, 'x-amzn-requestid': requestId },
    body: JSON.stringify(body),
  };
}
