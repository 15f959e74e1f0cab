import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { guessService, readSigV4 } from './core/auth.ts';
import { CallLog } from './core/calls.ts';
import { AwsError } from './core/errors.ts';
import { FaultInjector } from './core/faults.ts';
import { readBody, send } from './core/http.ts';
import { ALL_SERVICES, type Clock, type LocalRequest, type ServiceHandler, type ServiceName } from './core/types.ts';
import { type LogsOptions, logsService } from './logs/service.ts';
import { LogsState } from './logs/store.ts';
import { type S3Options, s3Service } from './s3/service.ts';
import { S3State } from './s3/store.ts';
import { snsService } from './sns/service.ts';
import { SnsState } from './sns/state.ts';
import { seedBuiltinDocuments } from './ssm/builtin.ts';
import { ssmService } from './ssm/service.ts';
import { type SsmOptions, SsmState } from './ssm/state.ts';

export interface LocalAwsOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  /** Default 127.0.0.1; the stand-ins are for this machine only. */
  host?: string;
  /** Services to serve (default all four). State objects exist for all of them either way. */
  services?: ServiceName[];
  /** Where S3 keeps objects across restarts; without it everything is in memory. */
  dataDir?: string;
  accountId?: string;
  /** Region used in ARNs (requests may be signed for any region). */
  region?: string;
  /** Injectable time source for age limits, token buckets and command latency. */
  clock?: Clock;
  /** Largest request body for the JSON and query services (default 10 MiB). */
  maxRequestBytes?: number;
  logs?: LogsOptions;
  s3?: S3Options;
  ssm?: SsmOptions;
}

export interface LocalAwsState {
  logs: LogsState;
  s3: S3State;
  ssm: SsmState;
  sns: SnsState;
}

export interface LocalAws {
  /** `http://host:port`: pass as `endpoint` to every client (S3 also needs `forcePathStyle: true`). */
  endpoint: string;
  port: number;
  state: LocalAwsState;
  faults: FaultInjector;
  calls: CallLog;
  close(): Promise<void>;
}

/** Start protocol-faithful local stand-ins for CloudWatch Logs, S3, SSM and SNS on one HTTP port. */
export async function startLocalAws(opts: LocalAwsOptions = {}): Promise<LocalAws> {
  const clock = opts.clock ?? { now: () => Date.now() };
  const accountId = opts.accountId ?? '000000000000';
  const region = opts.region ?? 'us-east-1';
  const host = opts.host ?? '127.0.0.1';
  let endpoint = '';
  const s3 = new S3State(clock, opts.dataDir);
  const ssmOptions = { documentActivationDelayMs: 0, commandLatencyMs: 0, verifyAttachments: true, ...opts.ssm };
  const state: LocalAwsState = {
    logs: new LogsState(accountId, region, clock),
    s3,
    ssm: new SsmState(accountId, region, clock, s3, ssmOptions, () => endpoint),
    sns: new SnsState(accountId, region, clock),
  };
  seedBuiltinDocuments(state.ssm);
  const handlers: Record<ServiceName, ServiceHandler> = {
    logs: logsService(state.logs, opts.logs),
    s3: s3Service(state.s3, opts.s3),
    ssm: ssmService(state.ssm),
    sns: snsService(state.sns),
  };
  const enabled = new Set(opts.services ?? ALL_SERVICES);
  const faults = new FaultInjector(clock);
  const calls = new CallLog();
  const ctx: Context = {
    handlers,
    enabled,
    faults,
    calls,
    clock,
    maxRequestBytes: opts.maxRequestBytes ?? 10 * 1024 * 1024,
  };

  const server = createServer((req, res) => {
    serve(ctx, req, res).catch((err: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(`local AWS stand-in failed: ${(err as Error).message}`);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  endpoint = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  return {
    endpoint,
    port,
    state,
    faults,
    calls,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

interface Context {
  handlers: Record<ServiceName, ServiceHandler>;
  enabled: Set<ServiceName>;
  faults: FaultInjector;
  calls: CallLog;
  clock: Clock;
  maxRequestBytes: number;
}

function splitUrl(url: string): { rawPath: string; query: URLSearchParams } {
  const q = url.indexOf('?');
  return q < 0
    ? { rawPath: url, query: new URLSearchParams() }
    : { rawPath: url.slice(0, q), query: new URLSearchParams(url.slice(q + 1)) };
}

/** The handler whose wire format a rejected request gets, when its signature does not say which service it is. */
function fallbackHandler(ctx: Context, req: IncomingMessage): ServiceHandler {
  const kind = guessService(req.headers);
  if (kind === 'query') return ctx.handlers.sns;
  if (kind === 's3') return ctx.handlers.s3;
  return String(req.headers['x-amz-target']).startsWith('AmazonSSM.') ? ctx.handlers.ssm : ctx.handlers.logs;
}

async function serve(ctx: Context, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const { rawPath, query } = splitUrl(req.url ?? '/');
  const local: LocalRequest = {
    method: req.method ?? 'GET',
    rawPath,
    query,
    headers: req.headers,
    body: Buffer.alloc(0),
    region: 'us-east-1',
    requestId: randomUUID(),
  };
  const head = local.method === 'HEAD';
  let handler = fallbackHandler(ctx, req);
  let operation: string | undefined;
  try {
    const scope = authenticate(handler, req.headers, query);
    const named = scope.service as ServiceName;
    if (!Object.hasOwn(ctx.handlers, named) || !ctx.enabled.has(named)) {
      throw new AwsError(
        'UnrecognizedClientException',
        `The local stand-in does not serve the '${scope.service}' service`,
        400,
      );
    }
    handler = ctx.handlers[named];
    local.region = scope.region;
    const { body, tooLarge } = await readBody(req, handler.maxBodyBytes ?? ctx.maxRequestBytes);
    if (tooLarge) {
      const limit = handler.maxBodyBytes ?? ctx.maxRequestBytes;
      throw handler.name === 's3'
        ? new AwsError('EntityTooLarge', 'Your proposed upload exceeds the maximum allowed object size.', 400, {
            MaxSizeAllowed: limit,
          })
        : new AwsError('RequestEntityTooLarge', `Request body exceeds ${limit} bytes`, 413);
    }
    local.body = body;
    operation = handler.operationOf(local);
    const fault = ctx.faults.check(handler.name, operation);
    if (fault === 'ConnectionReset') {
      record(ctx, handler.name, operation, 0, 'ConnectionReset', local.requestId);
      req.socket.destroy();
      return;
    }
    if (fault) throw handler.faultError(fault);
    const response = await handler.handle(operation, local);
    record(ctx, handler.name, operation, response.status, undefined, local.requestId);
    send(res, response, head);
  } catch (err) {
    const aws = err instanceof AwsError ? err : new AwsError('InternalFailure', (err as Error).message, 500);
    if (!(err instanceof AwsError)) process.stderr.write(`localaws: ${(err as Error).stack ?? err}\n`);
    record(ctx, handler.name, operation ?? '(unidentified)', aws.status, aws.code, local.requestId);
    if (req.readableEnded === false) req.resume();
    send(res, handler.errorResponse(aws, local, operation), head);
  }
}

/** The auth failure codes each protocol uses for the same problem. */
const AUTH_CODES: Record<string, Record<ServiceName, string>> = {
  MissingAuthenticationToken: {
    logs: 'MissingAuthenticationTokenException',
    ssm: 'MissingAuthenticationTokenException',
    sns: 'MissingAuthenticationToken',
    s3: 'AccessDenied',
  },
  IncompleteSignature: {
    logs: 'IncompleteSignatureException',
    ssm: 'IncompleteSignatureException',
    sns: 'IncompleteSignature',
    s3: 'AuthorizationHeaderMalformed',
  },
};

function authenticate(handler: ServiceHandler, headers: IncomingMessage['headers'], query: URLSearchParams) {
  try {
    return readSigV4(headers, query);
  } catch (err) {
    const code = err instanceof AwsError ? AUTH_CODES[err.code]?.[handler.name] : undefined;
    if (!code || !(err instanceof AwsError)) throw err;
    throw new AwsError(code, code === 'AccessDenied' ? 'Access Denied' : err.message, err.status);
  }
}

function record(
  ctx: Context,
  service: ServiceName,
  operation: string,
  status: number,
  errorCode: string | undefined,
  requestId: string,
) {
  ctx.calls.add({ service, operation, status, errorCode, at: ctx.clock.now(), requestId });
}
