import type { IncomingHttpHeaders } from 'node:http';
import type { AwsError, FaultKind } from './errors.ts';

export type ServiceName = 'logs' | 's3' | 'ssm' | 'sns';
export const ALL_SERVICES: readonly ServiceName[] = ['logs', 's3', 'ssm', 'sns'];

/** A fully read request, already authenticated, handed to one service. */
export interface LocalRequest {
  method: string;
  /** Raw (still percent-encoded) path without the query string. */
  rawPath: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** Region from the SigV4 credential scope. */
  region: string;
  requestId: string;
}

export interface LocalResponse {
  status: number;
  headers?: Record<string, string | number>;
  body?: Buffer | string;
}

/** What the server needs from each stand-in. */
export interface ServiceHandler {
  readonly name: ServiceName;
  /** The AWS operation name (used for fault rules and the call log); throws AwsError for unknown operations. */
  operationOf(req: LocalRequest): string;
  handle(operation: string, req: LocalRequest): LocalResponse | Promise<LocalResponse>;
  /** Encode an error as this service's protocol does. `operation` is undefined when it was never identified. */
  errorResponse(err: AwsError, req: LocalRequest, operation: string | undefined): LocalResponse;
  /** The error this service returns for a forced fault. */
  faultError(kind: Exclude<FaultKind, 'ConnectionReset'>): AwsError;
  /** Largest request body this service reads (defaults to the server's limit). */
  maxBodyBytes?: number;
}

export interface Clock {
  now(): number;
}
