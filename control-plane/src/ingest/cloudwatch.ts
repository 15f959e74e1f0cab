import {
  type CloudWatchLogsClient,
  DescribeLogGroupsCommand,
  DescribeLogStreamsCommand,
  type FilteredLogEvent,
  FilterLogEventsCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import { createParser } from '../../../models/src/parse/registry.ts';
import type { LineParser } from '../../../models/src/parse/types.ts';
import type { Db } from '../db/db.ts';
import { type BackoffOptions, withBackoff } from './backoff.ts';
import { type Checkpoint, type CheckpointKey, loadCheckpoint, saveCheckpoint } from './checkpoints.ts';
import { type CloudFormat, formatOfGroup, type GroupMapping } from './format-map.ts';
import { parseCwEvents, type RejectedLine } from './parse-events.ts';
import { commitPage, type EventSink } from './sink.ts';

export interface CloudWatchPullOptions {
  groups: readonly GroupMapping[];
  /** Where a stream without a checkpoint starts (epoch ms; default 0 = everything retained). */
  startTime?: number;
  /** Events per FilterLogEvents page (≤ 10,000). */
  pageLimit?: number;
  backoff?: BackoffOptions;
  clock?: () => number;
}

export interface PullStats {
  groups: number;
  streams: number;
  pages: number;
  events: number;
  duplicatesSkipped: number;
  rejected: number;
  /** First rejections in full, with group/stream and position. */
  rejectedSamples: RejectedLine[];
  anomalies: number;
  retries: number;
}

const SOURCE = 'cloudwatch';

const newStats = (): PullStats => ({
  groups: 0,
  streams: 0,
  pages: 0,
  events: 0,
  duplicatesSkipped: 0,
  rejected: 0,
  rejectedSamples: [],
  anomalies: 0,
  retries: 0,
});

/**
 * Pulls mapped log groups with FilterLogEvents, one stream at a time so each (group, stream) has its own checkpoint.
 * Each page is parsed, scored and committed (anomalies + checkpoint in one transaction) before the next is read, so
 * a restart resumes after the last committed page without repeating or losing an event.
 */
export class CloudWatchPuller {
  private readonly parsers = new Map<string, LineParser>();
  private readonly clock: () => number;

  constructor(
    private readonly client: CloudWatchLogsClient,
    private readonly db: Db,
    private readonly sink: EventSink,
    private readonly opts: CloudWatchPullOptions,
  ) {
    this.clock = opts.clock ?? Date.now;
  }

  /** One pass over every mapped group and stream, up to the newest event. */
  async pullOnce(): Promise<PullStats> {
    const stats = newStats();
    for (const [group, format] of await this.mappedGroups(stats)) {
      stats.groups++;
      for (const stream of await this.streams(group, stats)) {
        stats.streams++;
        await this.pullStream(group, stream, format, stats);
      }
    }
    return stats;
  }

  private call<T>(stats: PullStats, fn: () => Promise<T>): Promise<T> {
    return withBackoff(fn, {
      ...this.opts.backoff,
      onRetry: (err, attempt, delay) => {
        stats.retries++;
        this.opts.backoff?.onRetry?.(err, attempt, delay);
      },
    });
  }

  private async mappedGroups(stats: PullStats): Promise<[string, CloudFormat][]> {
    const out: [string, CloudFormat][] = [];
    let nextToken: string | undefined;
    do {
      const res = await this.call(stats, () => this.client.send(new DescribeLogGroupsCommand({ nextToken })));
      for (const g of res.logGroups ?? []) {
        const format = g.logGroupName ? formatOfGroup(g.logGroupName, this.opts.groups) : undefined;
        if (format) out.push([g.logGroupName!, format]);
      }
      nextToken = res.nextToken;
    } while (nextToken);
    return out;
  }

  private async streams(group: string, stats: PullStats): Promise<string[]> {
    const out: string[] = [];
    let nextToken: string | undefined;
    do {
      const res = await this.call(stats, () =>
        this.client.send(new DescribeLogStreamsCommand({ logGroupName: group, nextToken })),
      );
      for (const s of res.logStreams ?? []) if (s.logStreamName) out.push(s.logStreamName);
      nextToken = res.nextToken;
    } while (nextToken);
    return out;
  }

  private parser(group: string, stream: string, format: CloudFormat): LineParser {
    const key = `${group}\u0000${stream}`;
    let p = this.parsers.get(key);
    if (!p) {
      if (this.parsers.size >= 4096) this.parsers.delete(this.parsers.keys().next().value!);
      this.parsers.set(key, (p = createParser(format)));
    }
    return p;
  }

  private async pullStream(group: string, stream: string, format: CloudFormat, stats: PullStats): Promise<void> {
    const key: CheckpointKey = { source: SOURCE, logGroup: group, logStream: stream };
    const cp = await loadCheckpoint(this.db, key);
    const seen = new Set(cp.ids);
    const startTime = cp.lastEventAt ?? this.opts.startTime ?? 0;
    let nextToken: string | undefined;
    do {
      const res = await this.call(stats, () =>
        this.client.send(
          new FilterLogEventsCommand({
            logGroupName: group,
            logStreamNames: [stream],
            startTime,
            nextToken,
            limit: this.opts.pageLimit ?? 10_000,
          }),
        ),
      );
      stats.pages++;
      const fresh = this.freshEvents(res.events ?? [], cp, seen, stats);
      if (fresh.length > 0) await this.consume(key, format, fresh, cp, stats);
      nextToken = res.nextToken;
    } while (nextToken);
  }

  /** Drops events the checkpoint already covers and advances the checkpoint (in memory) over the rest. */
  private freshEvents(events: FilteredLogEvent[], cp: Checkpoint, seen: Set<string>, stats: PullStats) {
    const fresh: FilteredLogEvent[] = [];
    for (const e of events) {
      const ts = e.timestamp ?? 0;
      const id = e.eventId ?? `${ts}:${e.message}`;
      if (cp.lastEventAt !== null && (ts < cp.lastEventAt || (ts === cp.lastEventAt && seen.has(id)))) {
        stats.duplicatesSkipped++;
        continue;
      }
      if (cp.lastEventAt === null || ts > cp.lastEventAt) {
        cp.lastEventAt = ts;
        seen.clear();
      }
      seen.add(id);
      fresh.push(e);
    }
    cp.ids = [...seen];
    return fresh;
  }

  private async consume(
    key: CheckpointKey,
    format: CloudFormat,
    events: FilteredLogEvent[],
    cp: Checkpoint,
    stats: PullStats,
  ) {
    const parsed = parseCwEvents(this.parser(key.logGroup, key.logStream, format), events, key);
    stats.events += events.length;
    stats.rejected += parsed.rejectedCount;
    for (const r of parsed.rejected) if (stats.rejectedSamples.length < 100) stats.rejectedSamples.push(r);
    const anomalies = await this.sink.score(format, parsed.events);
    const now = this.clock();
    const ids = await commitPage(this.db, format, anomalies, now, (tx) => saveCheckpoint(tx, key, cp, now));
    stats.anomalies += ids.size;
    await this.sink.stored?.(format, anomalies, ids);
  }
}
