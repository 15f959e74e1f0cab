import { parseRetryAfter } from './backoff.ts';

/** A failed control-plane call, classified the way docs/api.md tells the agent to react. */
export class ControlPlaneError extends Error {
  override name = 'ControlPlaneError';
  constructor(
    message: string,
    readonly status: number | null,
    readonly code: string | null,
    readonly retryable: boolean,
    readonly retryAfterMs?: number,
    readonly field?: string,
    readonly requestId?: string,
  ) {
    super(message);
  }
}

export interface HttpResponse {
  status: number;
  body: unknown;
  headers: Headers;
}

const RETRYABLE = new Set([429, 500, 502, 503, 504]);

/** JSON over HTTP to the control plane, with a per-request timeout and the bearer credential on agent routes. */
export class ControlPlaneHttp {
  private readonly base: URL;

  constructor(
    baseUrl: string,
    private readonly timeoutMs: number,
    private readonly userAgent: string,
  ) {
    this.base = new URL(baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`);
  }

  get origin(): string {
    return this.base.origin;
  }

  /** Resolves for 2xx and 304; throws ControlPlaneError otherwise (retryable for network errors, 429 and 5xx). */
  async request(
    method: 'GET' | 'POST',
    route: string,
    opts: { body?: unknown; credential?: string; headers?: Record<string, string> } = {},
  ): Promise<HttpResponse> {
    const url = new URL(route.replace(/^\//, ''), this.base);
    const headers: Record<string, string> = {
      'user-agent': this.userAgent,
      accept: 'application/json',
      ...opts.headers,
    };
    if (opts.credential) headers.authorization = `Bearer ${opts.credential}`;
    if (opts.body !== undefined) headers['content-type'] = 'application/json';
    let res: Response;
    try {
      res = await fetch(url, {
        method,
        headers,
        body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
        signal: AbortSignal.timeout(this.timeoutMs),
        redirect: 'error',
      });
    } catch (err) {
      const e = err as Error;
      const why =
        e.name === 'TimeoutError' ? `timed out after ${this.timeoutMs} ms` : ((e.cause as Error)?.message ?? e.message);
      throw new ControlPlaneError(`${method} ${url.pathname}: ${why}`, null, null, true);
    }
    const text = await res.text().catch(() => '');
    let body: unknown = null;
    if (text) {
      try {
        body = JSON.parse(text);
      } catch {
        body = null;
      }
    }
    if ((res.status >= 200 && res.status < 300) || res.status === 304)
      return { status: res.status, body, headers: res.headers };
    const err = (body as { error?: { code?: string; message?: string; field?: string } } | null)?.error;
    throw new ControlPlaneError(
      `${method} ${url.pathname}: HTTP ${res.status}${err?.code ? ` ${err.code}` : ''}${err?.message ? `: ${err.message}` : ''}`,
      res.status,
      err?.code ?? null,
      RETRYABLE.has(res.status),
      parseRetryAfter(res.headers.get('retry-after')),
      err?.field,
      res.headers.get('x-request-id') ?? undefined,
    );
  }
}
