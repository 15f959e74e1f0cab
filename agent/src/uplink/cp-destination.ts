import { createHash } from 'node:crypto';
import { SPOOL_KIND } from '../pipeline/outbox.ts';
import type { SpoolItem } from '../state/index.ts';
import { ControlPlaneError, type ControlPlaneHttp } from './http.ts';
import type { Delivery, Destination } from './spool-drain.ts';

const ROUTES: Record<string, { route: string; field: 'anomalies' | 'actions' }> = {
  [SPOOL_KIND.anomaly]: { route: '/v1/agents/anomalies', field: 'anomalies' },
  [SPOOL_KIND.action]: { route: '/v1/agents/actions', field: 'actions' },
};

export interface CpDestinationDeps {
  http: ControlPlaneHttp;
  /** The current credential, or undefined while not enrolled (items wait in the spool). */
  credential(): string | undefined;
  /** The server said the credential is no longer valid: stop sending until re-enrolled. */
  onInvalidCredential(err: ControlPlaneError): void;
  onRequest?(route: string, status: string): void;
}

/**
 * Ships spooled anomalies and action records to the control plane in batches (docs/api.md): each item's id is its
 * idempotency key; the batch key is derived from the item ids, so a retry of the same batch is a replay.
 */
export class ControlPlaneDestination implements Destination {
  readonly name = 'control-plane';
  readonly kinds = [SPOOL_KIND.anomaly, SPOOL_KIND.action];
  /** Shrinks on 413 and on a 400 that names no item; grows back after a run of successes. */
  private batchNow: number;
  private successes = 0;

  constructor(
    readonly maxBatch: number,
    private readonly deps: CpDestinationDeps,
  ) {
    this.batchNow = maxBatch;
  }

  batchLimit(): number {
    return this.batchNow;
  }

  ready(): boolean {
    return this.deps.credential() !== undefined;
  }

  async send(items: SpoolItem[]): Promise<Delivery> {
    const r = ROUTES[items[0].kind];
    const batch = items;
    const credential = this.deps.credential();
    if (!credential) return { delivered: [], dead: [], retry: items.map((i) => i.id), error: 'not enrolled' };
    const key = `b-${createHash('sha256')
      .update(batch.map((i) => i.idempotencyKey).join('\n'))
      .digest('hex')
      .slice(0, 48)}`;
    try {
      const res = await this.deps.http.request('POST', r.route, {
        credential,
        headers: { 'idempotency-key': key },
        body: { [r.field]: batch.map((i) => i.body) },
      });
      this.deps.onRequest?.(r.route, String(res.status));
      if (++this.successes >= 10 && this.batchNow < this.maxBatch) {
        this.batchNow = Math.min(this.maxBatch, this.batchNow * 2);
        this.successes = 0;
      }
      return { delivered: batch.map((i) => i.id), dead: [], retry: [] };
    } catch (err) {
      if (!(err instanceof ControlPlaneError)) throw err;
      this.deps.onRequest?.(r.route, String(err.status ?? 'network'));
      this.successes = 0;
      return this.failed(err, batch, r.field);
    }
  }

  private failed(err: ControlPlaneError, batch: SpoolItem[], field: string): Delivery {
    const all = batch.map((i) => i.id);
    const retry = (error = err.message): Delivery => ({
      delivered: [],
      dead: [],
      retry: all,
      retryAfterMs: err.retryAfterMs,
      error,
    });
    if (err.retryable) return retry();
    if (err.status === 401 && err.code === 'invalid_credential') {
      this.deps.onInvalidCredential(err);
      return retry();
    }
    if (err.status === 413 || (err.status === 400 && err.code === 'invalid_request')) {
      const index = poisonIndex(err.field, field);
      if (index !== undefined && index < batch.length) {
        const dead = batch[index];
        return {
          delivered: [],
          dead: [{ id: dead.id, reason: err.message }],
          retry: all.filter((id) => id !== dead.id),
        };
      }
      if (batch.length === 1 && err.status === 400)
        return { delivered: [], dead: [{ id: all[0], reason: err.message }], retry: [] };
      this.batchNow = Math.max(1, Math.floor(batch.length / 2)); // find the culprit (or fit the size) by halving
      return { ...retry(), retryAfterMs: 0 };
    }
    // Any other 4xx is a client bug per the contract: keep the items (never silently dropped) and say so loudly.
    return retry(`${err.message} (not retried until backoff; items kept in the spool)`);
  }
}

/** `anomalies.17.score` -> 17 when the field points into this batch's array. */
function poisonIndex(fieldPath: string | undefined, field: string): number | undefined {
  const m = fieldPath?.match(/^([a-z]+)\.(\d+)(?:\.|$)/);
  return m && m[1] === field ? Number(m[2]) : undefined;
}
