import {
  CloudWatchLogsClient,
  CreateLogGroupCommand,
  CreateLogStreamCommand,
  PutLogEventsCommand,
  type RejectedLogEventsInfo,
} from '@aws-sdk/client-cloudwatch-logs';
import { SPOOL_KIND } from '../pipeline/outbox.ts';
import type { SpoolItem } from '../state/index.ts';
import { safeJson } from '../status/escape.ts';
import type { Delivery, Destination } from '../uplink/spool-drain.ts';
import { type LogEventIn, planBatches } from './batch.ts';

export interface CloudWatchShipperOptions {
  logGroup: string;
  logStream: string;
  createGroup: boolean;
  client: CloudWatchLogsClient;
  onSent?(accepted: number, rejected: number): void;
}

const RETRYABLE = new Set([
  'ThrottlingException',
  'ServiceUnavailableException',
  'InternalFailure',
  'TimeoutError',
  'RequestTimeout',
]);

/** A CloudWatch Logs client for the configured region/endpoint (credentials from the default provider chain). */
export function cloudWatchClient(region: string, endpoint?: string): CloudWatchLogsClient {
  return new CloudWatchLogsClient({ region, ...(endpoint ? { endpoint } : {}), maxAttempts: 3 });
}

/**
 * Ships spooled anomalies and audit records to one CloudWatch Logs stream. Batches respect every PutLogEvents limit;
 * throttling and service errors leave the items spooled for a retry with backoff (on top of the SDK's own retries);
 * events the service rejects (too old, too new, expired) are dead-lettered with the reason, never resent in a loop.
 */
export class CloudWatchShipper implements Destination {
  readonly name = 'cloudwatch-logs';
  readonly kinds = [SPOOL_KIND.cwAnomaly, SPOOL_KIND.cwAudit];
  readonly maxBatch = 10_000;
  sent = 0;
  rejected = 0;
  lastError: string | null = null;
  private streamReady = false;

  constructor(private readonly opts: CloudWatchShipperOptions) {}

  ready(): boolean {
    return true;
  }

  async send(items: SpoolItem[]): Promise<Delivery> {
    const events: LogEventIn<number>[] = items.map((it) => ({
      timestamp: timestampOf(it),
      message: messageOf(it),
      ref: it.id,
    }));
    const out: Delivery = { delivered: [], dead: [], retry: [] };
    const batches = planBatches(events);
    for (const [i, batch] of batches.entries()) {
      try {
        const rejected = await this.put(batch);
        this.apply(batch, rejected, out);
      } catch (err) {
        const e = err as Error & { name: string; $metadata?: { httpStatusCode?: number } };
        this.lastError = `${e.name}: ${e.message}`;
        const rest = batches.slice(i).flatMap((b) => b.map((x) => x.ref));
        if (RETRYABLE.has(e.name) || (e.$metadata?.httpStatusCode ?? 0) >= 500 || !e.$metadata) {
          out.retry.push(...rest);
          out.error = this.lastError;
        } else {
          for (const id of batch.map((x) => x.ref)) out.dead.push({ id, reason: this.lastError });
          out.retry.push(...batches.slice(i + 1).flatMap((b) => b.map((x) => x.ref)));
        }
        return out;
      }
    }
    return out;
  }

  private async put(batch: LogEventIn<number>[]): Promise<RejectedLogEventsInfo | undefined> {
    if (!this.streamReady) await this.ensureStream();
    const cmd = () =>
      new PutLogEventsCommand({
        logGroupName: this.opts.logGroup,
        logStreamName: this.opts.logStream,
        logEvents: batch.map((e) => ({ timestamp: e.timestamp, message: e.message })),
      });
    try {
      return (await this.opts.client.send(cmd())).rejectedLogEventsInfo;
    } catch (err) {
      if ((err as Error).name !== 'ResourceNotFoundException') throw err;
      this.streamReady = false; // deleted under us: create and try once more
      await this.ensureStream();
      return (await this.opts.client.send(cmd())).rejectedLogEventsInfo;
    }
  }

  private apply(batch: LogEventIn<number>[], r: RejectedLogEventsInfo | undefined, out: Delivery): void {
    const tooOld = Math.max(r?.tooOldLogEventEndIndex ?? 0, r?.expiredLogEventEndIndex ?? 0);
    const tooNew = r?.tooNewLogEventStartIndex ?? batch.length;
    batch.forEach((e, i) => {
      if (i < tooOld)
        out.dead.push({
          id: e.ref,
          reason: `CloudWatch rejected the event as too old or past retention (${new Date(e.timestamp).toISOString()})`,
        });
      else if (i >= tooNew)
        out.dead.push({
          id: e.ref,
          reason: `CloudWatch rejected the event as more than 2 h in the future (${new Date(e.timestamp).toISOString()})`,
        });
      else out.delivered.push(e.ref);
    });
    const rejected = batch.length - Math.max(0, Math.min(tooNew, batch.length) - tooOld);
    this.sent += batch.length - rejected;
    this.rejected += rejected;
    this.opts.onSent?.(batch.length - rejected, rejected);
  }

  private async ensureStream(): Promise<void> {
    if (this.opts.createGroup)
      await ignoreExists(this.opts.client.send(new CreateLogGroupCommand({ logGroupName: this.opts.logGroup })));
    await ignoreExists(
      this.opts.client.send(
        new CreateLogStreamCommand({ logGroupName: this.opts.logGroup, logStreamName: this.opts.logStream }),
      ),
    );
    this.streamReady = true;
  }
}

async function ignoreExists(p: Promise<unknown>): Promise<void> {
  try {
    await p;
  } catch (err) {
    if ((err as Error).name !== 'ResourceAlreadyExistsException') throw err;
  }
}

function timestampOf(item: SpoolItem): number {
  const b = item.body as { detectedAt?: number; finishedAt?: number };
  const t = item.kind === SPOOL_KIND.cwAnomaly ? b.detectedAt : b.finishedAt;
  return Number.isFinite(t) ? (t as number) : item.created;
}

function messageOf(item: SpoolItem): string {
  return safeJson({ kind: item.kind === SPOOL_KIND.cwAnomaly ? 'anomaly' : 'action', ...(item.body as object) });
}
