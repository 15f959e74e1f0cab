import { promisify } from 'node:util';
import { gunzip as gunzipCb } from 'node:zlib';
import { GetObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import type { Db } from '../db/db.ts';
import { type BackoffOptions, withBackoff } from './backoff.ts';
import { type CheckpointKey, loadCheckpoint, saveCheckpoint } from './checkpoints.ts';
import { parseText, type RejectedLine } from './parse-events.ts';
import { commitPage, type EventSink } from './sink.ts';

const gunzip = promisify(gunzipCb);

/** A bucket prefix AWS delivers logs to, and their format (VPC flow logs or S3 server access logs). */
export interface S3LogLocation {
  bucket: string;
  prefix: string;
  format: 'vpc' | 's3';
}

export interface S3PullOptions {
  locations: readonly S3LogLocation[];
  /** Objects larger than this (after decompression) are refused and counted, not loaded (default 256 MiB). */
  maxObjectBytes?: number;
  backoff?: BackoffOptions;
  clock?: () => number;
}

export interface S3PullStats {
  objects: number;
  bytes: number;
  events: number;
  rejected: number;
  rejectedSamples: RejectedLine[];
  skippedObjects: { key: string; reason: string }[];
  anomalies: number;
}

/** Gzip by name or by magic bytes (delivered files are .gz, but a re-uploaded copy may have lost the suffix). */
export function isGzip(key: string, body: Uint8Array): boolean {
  return key.endsWith('.gz') || (body.length >= 2 && body[0] === 0x1f && body[1] === 0x8b);
}

/**
 * Reads newly delivered objects under each prefix in key order (ListObjectsV2 with StartAfter = the last key
 * committed). AWS delivery keys embed the date and time, so key order is delivery order. Each object is parsed,
 * scored and committed (anomalies + checkpoint) in one transaction before the next is read.
 */
export class S3LogPuller {
  private readonly clock: () => number;

  constructor(
    private readonly client: S3Client,
    private readonly db: Db,
    private readonly sink: EventSink,
    private readonly opts: S3PullOptions,
  ) {
    this.clock = opts.clock ?? Date.now;
  }

  async pullOnce(): Promise<S3PullStats> {
    const stats: S3PullStats = {
      objects: 0,
      bytes: 0,
      events: 0,
      rejected: 0,
      rejectedSamples: [],
      skippedObjects: [],
      anomalies: 0,
    };
    for (const loc of this.opts.locations) await this.pullLocation(loc, stats);
    return stats;
  }

  private async pullLocation(loc: S3LogLocation, stats: S3PullStats): Promise<void> {
    const key: CheckpointKey = { source: 's3', logGroup: loc.bucket, logStream: loc.prefix };
    const cp = await loadCheckpoint(this.db, key);
    let startAfter = cp.ids[0];
    let token: string | undefined;
    do {
      const res = await withBackoff(
        () =>
          this.client.send(
            new ListObjectsV2Command({
              Bucket: loc.bucket,
              Prefix: loc.prefix,
              ContinuationToken: token,
              StartAfter: token ? undefined : startAfter,
            }),
          ),
        this.opts.backoff,
      );
      for (const obj of res.Contents ?? []) {
        if (!obj.Key) continue;
        await this.consumeObject(loc, obj.Key, obj.Size ?? 0, key, stats);
        startAfter = obj.Key;
      }
      token = res.IsTruncated ? res.NextContinuationToken : undefined;
    } while (token);
  }

  private async consumeObject(
    loc: S3LogLocation,
    objectKey: string,
    size: number,
    cpKey: CheckpointKey,
    stats: S3PullStats,
  ) {
    const max = this.opts.maxObjectBytes ?? 256 * 1024 * 1024;
    const text = size > max ? undefined : await this.readObject(loc.bucket, objectKey, max, stats);
    if (size > max) stats.skippedObjects.push({ key: objectKey, reason: `object is ${size} bytes (limit ${max})` });
    const parsed = text === undefined ? undefined : parseText(loc.format, text, `s3://${loc.bucket}/${objectKey}`);
    const anomalies = parsed ? await this.sink.score(loc.format, parsed.events) : [];
    if (parsed) {
      stats.objects++;
      stats.events += parsed.events.length;
      stats.rejected += parsed.rejectedCount;
      for (const r of parsed.rejected) if (stats.rejectedSamples.length < 100) stats.rejectedSamples.push(r);
    }
    const now = this.clock();
    const cp = { lastEventAt: now, ids: [objectKey] };
    const ids = await commitPage(this.db, loc.format, anomalies, now, (tx) => saveCheckpoint(tx, cpKey, cp, now));
    stats.anomalies += ids.size;
    await this.sink.stored?.(loc.format, anomalies, ids);
  }

  private async readObject(bucket: string, key: string, max: number, stats: S3PullStats): Promise<string | undefined> {
    const res = await withBackoff(
      () => this.client.send(new GetObjectCommand({ Bucket: bucket, Key: key })),
      this.opts.backoff,
    );
    let body: Uint8Array = (await res.Body?.transformToByteArray()) ?? new Uint8Array();
    stats.bytes += body.length;
    if (isGzip(key, body)) {
      try {
        body = await gunzip(body, { maxOutputLength: max });
      } catch (err) {
        stats.skippedObjects.push({ key, reason: `gunzip failed: ${(err as Error).message}` });
        return undefined;
      }
    }
    return new TextDecoder('utf-8').decode(body);
  }
}
