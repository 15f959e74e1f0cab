import {
  CloudWatchLogsClient,
  CreateLogGroupCommand,
  CreateLogStreamCommand,
  PutLogEventsCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { Label } from '../../models/src/schema/index.ts';
import { clientConfig, type LocalAws, startLocalAws } from '../../test/localaws/index.ts';
import { type CloudRecord, loadCloudRecords } from './cloud-records.ts';

/** Cloud incident types the replay cycles through, one per round (short ones, so a round shows the whole story). */
const CLOUD_TYPES = ['s3_mass_delete', 'port_scan', 'unusual_region', 'lambda_request_spike', 's3_unauthorized_burst'];
const ARCHIVE_BUCKET = 'acme-logs-archive';
const S3_PREFIX = 's3-access-logs/';

export interface CloudReplayOptions {
  dataDir: string;
  labels: Label[];
  origin: number;
  roundMs: number;
  rounds: number;
}

/**
 * Streams the account's CloudTrail, Lambda and VPC flow logs into the local CloudWatch Logs endpoint and S3 access
 * logs into the local S3 endpoint, through the real AWS SDK, in event time. Each round replays a stretch of the
 * dataset around one cloud incident. The control plane pulls them with its own ingest, as it would from AWS.
 */
export class CloudReplay {
  readonly counts = { cloudwatchEvents: 0, s3Objects: 0, errors: 0 };
  lastError: string | undefined;
  private readonly due: { at: number; rec: CloudRecord }[] = [];
  private next = 0;
  private busy = false;
  private readonly streams = new Set<string>();
  private readonly logs: CloudWatchLogsClient;
  private readonly s3: S3Client;

  private constructor(
    readonly aws: LocalAws,
    private readonly origin: number,
  ) {
    this.logs = new CloudWatchLogsClient(clientConfig(aws));
    this.s3 = new S3Client({ ...clientConfig(aws), forcePathStyle: true });
  }

  static async start(o: CloudReplayOptions): Promise<CloudReplay> {
    const incidents = o.labels
      .filter((l) => CLOUD_TYPES.includes(l.type) && l.variant === 'standard' && l.end - l.start < 20 * 60_000)
      .sort((a, b) => CLOUD_TYPES.indexOf(a.type) - CLOUD_TYPES.indexOf(b.type) || a.start - b.start);
    const picks = Array.from({ length: o.rounds }, (_, r) => incidents[(r * 7) % incidents.length]);
    const windows = picks.map((l, r) => ({ from: l.start - 5 * 60_000, base: r * o.roundMs }));
    const records = loadCloudRecords(o.dataDir, (ts) => windows.some((w) => ts >= w.from && ts < w.from + o.roundMs));
    const replay = new CloudReplay(await startLocalAws({ port: 0, services: ['logs', 's3'] }), o.origin);
    for (const w of windows) {
      for (const rec of records) {
        if (rec.ts >= w.from && rec.ts < w.from + o.roundMs) replay.due.push({ at: w.base + rec.ts - w.from, rec });
      }
    }
    replay.due.sort((a, b) => a.at - b.at);
    await replay.s3.send(new CreateBucketCommand({ Bucket: ARCHIVE_BUCKET }));
    return replay;
  }

  /** The control plane's VIGIL_CLOUD_INGEST for these endpoints. */
  ingestConfig(): unknown {
    return {
      intervalMs: 2000,
      endpoint: this.aws.endpoint,
      region: 'us-east-1',
      cloudwatch: {
        groups: [
          { pattern: 'aws-cloudtrail-logs', format: 'cloudtrail' },
          { pattern: '/aws/lambda/*', format: 'lambda' },
          { pattern: 'vpc-flow-logs', format: 'vpc' },
        ],
        startTime: this.origin - 3_600_000,
      },
      s3: { locations: [{ bucket: ARCHIVE_BUCKET, prefix: S3_PREFIX, format: 's3' }] },
    };
  }

  /** Sends what is due by `eventNow` (one send at a time; what is not sent stays due). */
  tick(eventNow: number): void {
    if (this.busy) return;
    const batch: { at: number; rec: CloudRecord }[] = [];
    while (this.next < this.due.length && this.origin + this.due[this.next].at <= eventNow)
      batch.push(this.due[this.next++]);
    if (batch.length === 0) return;
    this.busy = true;
    this.send(batch)
      .catch((err: Error) => {
        this.counts.errors++;
        this.lastError = err.message;
      })
      .finally(() => {
        this.busy = false;
      });
  }

  private async send(batch: { at: number; rec: CloudRecord }[]): Promise<void> {
    const groups = new Map<string, { timestamp: number; message: string }[]>();
    const objects = new Map<string, string[]>();
    for (const { at, rec } of batch) {
      const ts = this.origin + at;
      if (rec.kind === 's3') {
        const lines = objects.get(rec.group) ?? [];
        lines.push(rec.render(ts));
        objects.set(rec.group, lines);
        continue;
      }
      const key = `${rec.group}\u0000${rec.stream}`;
      const events = groups.get(key) ?? [];
      events.push({ timestamp: ts, message: rec.render(ts) });
      groups.set(key, events);
    }
    for (const [key, events] of groups) {
      const [group, stream] = key.split('\u0000');
      await this.ensureStream(group, stream);
      await this.logs.send(new PutLogEventsCommand({ logGroupName: group, logStreamName: stream, logEvents: events }));
      this.counts.cloudwatchEvents += events.length;
    }
    for (const [bucket, lines] of objects) {
      const at = new Date(this.origin + batch[batch.length - 1].at).toISOString().replace(/[:.]/g, '-');
      const Key = `${S3_PREFIX}${bucket}/${at}-${this.counts.s3Objects}`;
      await this.s3.send(new PutObjectCommand({ Bucket: ARCHIVE_BUCKET, Key, Body: `${lines.join('\n')}\n` }));
      this.counts.s3Objects++;
    }
  }

  private async ensureStream(group: string, stream: string): Promise<void> {
    if (!this.streams.has(group)) {
      await this.logs.send(new CreateLogGroupCommand({ logGroupName: group })).catch(ignoreExists);
      this.streams.add(group);
    }
    const key = `${group}\u0000${stream}`;
    if (this.streams.has(key)) return;
    await this.logs
      .send(new CreateLogStreamCommand({ logGroupName: group, logStreamName: stream }))
      .catch(ignoreExists);
    this.streams.add(key);
  }

  async stop(): Promise<void> {
    while (this.busy) await new Promise((r) => setTimeout(r, 50));
    this.logs.destroy();
    this.s3.destroy();
    await this.aws.close();
  }
}

function ignoreExists(err: Error): void {
  if (err.name !== 'ResourceAlreadyExistsException') throw err;
}
