import { AwsError } from '../core/errors.ts';
import type { Clock } from '../core/types.ts';

/** One stored event. `seq` is a state-wide ingestion counter: it breaks timestamp ties and makes ids unique. */
export interface StoredEvent {
  ts: number;
  seq: number;
  message: string;
  ingestionTime: number;
}

export interface LogStream {
  name: string;
  creationTime: number;
  /** Sorted by (ts, seq). */
  events: StoredEvent[];
  storedBytes: number;
  lastIngestionTime?: number;
}

export interface SubscriptionFilter {
  filterName: string;
  filterPattern: string;
  destinationArn: string;
  roleArn?: string;
  distribution: string;
  creationTime: number;
}

export interface LogGroup {
  name: string;
  creationTime: number;
  retentionInDays?: number;
  kmsKeyId?: string;
  logGroupClass: string;
  tags: Record<string, string>;
  streams: Map<string, LogStream>;
  subscriptions: Map<string, SubscriptionFilter>;
}

/** The decoded form of what CloudWatch Logs delivers to a subscription destination (before gzip + base64). */
export interface SubscriptionDelivery {
  messageType: 'DATA_MESSAGE';
  owner: string;
  logGroup: string;
  logStream: string;
  subscriptionFilters: string[];
  logEvents: { id: string; timestamp: number; message: string }[];
}

/** Event ids are digits, like AWS's: timestamp then ingestion counter, so they are unique within the state. */
export function eventId(e: StoredEvent): string {
  return `${String(e.ts).padStart(16, '0')}${String(e.seq).padStart(20, '0')}`;
}

/** First index whose (ts, seq) is >= the given key. */
export function lowerBound(events: StoredEvent[], ts: number, seq: number): number {
  let lo = 0;
  let hi = events.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const e = events[mid];
    if (e.ts < ts || (e.ts === ts && e.seq < seq)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** In-memory CloudWatch Logs data: log groups, their streams and events, and subscription listeners. */
export class LogsState {
  readonly groups = new Map<string, LogGroup>();
  private seq = 0;
  private readonly listeners = new Set<(d: SubscriptionDelivery) => void>();

  constructor(
    readonly accountId: string,
    readonly region: string,
    readonly clock: Clock,
  ) {}

  groupArn(name: string): string {
    return `arn:aws:logs:${this.region}:${this.accountId}:log-group:${name}`;
  }

  createGroup(name: string, init: Partial<Pick<LogGroup, 'kmsKeyId' | 'tags' | 'logGroupClass'>> = {}): LogGroup {
    if (this.groups.has(name))
      throw new AwsError('ResourceAlreadyExistsException', 'The specified log group already exists');
    const group: LogGroup = {
      name,
      creationTime: this.clock.now(),
      kmsKeyId: init.kmsKeyId,
      logGroupClass: init.logGroupClass ?? 'STANDARD',
      tags: init.tags ?? {},
      streams: new Map(),
      subscriptions: new Map(),
    };
    this.groups.set(name, group);
    return group;
  }

  createStream(group: LogGroup, name: string): LogStream {
    if (group.streams.has(name)) {
      throw new AwsError('ResourceAlreadyExistsException', 'The specified log stream already exists');
    }
    const stream: LogStream = { name, creationTime: this.clock.now(), events: [], storedBytes: 0 };
    group.streams.set(name, stream);
    return stream;
  }

  /** A group by name or ARN (`...:log-group:NAME` with or without a trailing `:*`). */
  requireGroup(nameOrArn: string): LogGroup {
    const arnName = /^arn:aws[a-z-]*:logs:[^:]*:[^:]*:log-group:([^:]+)(?::\*)?$/.exec(nameOrArn)?.[1];
    const group = this.groups.get(arnName ?? nameOrArn);
    if (!group) throw new AwsError('ResourceNotFoundException', 'The specified log group does not exist.');
    return group;
  }

  requireStream(group: LogGroup, name: string): LogStream {
    const stream = group.streams.get(name);
    if (!stream) throw new AwsError('ResourceNotFoundException', 'The specified log stream does not exist.');
    return stream;
  }

  /** Store a chronological batch; keeps the stream sorted even when the batch predates stored events. */
  append(stream: LogStream, batch: { timestamp: number; message: string }[], ingestionTime: number): StoredEvent[] {
    const stored = batch.map((e) => ({ ts: e.timestamp, seq: ++this.seq, message: e.message, ingestionTime }));
    if (stored.length === 0) return stored;
    const last = stream.events[stream.events.length - 1];
    for (const e of stored) stream.events.push(e);
    if (last !== undefined && stored[0].ts < last.ts) {
      stream.events.sort((a, b) => a.ts - b.ts || a.seq - b.seq);
    }
    for (const e of stored) stream.storedBytes += Buffer.byteLength(e.message, 'utf8');
    stream.lastIngestionTime = ingestionTime;
    return stored;
  }

  /** Receive what subscription filters deliver. Returns a function that unsubscribes. */
  onSubscriptionData(listener: (d: SubscriptionDelivery) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  deliver(delivery: SubscriptionDelivery): void {
    for (const listener of this.listeners) listener(delivery);
  }

  /** Test/demo helper: every stored event of a group (optionally one stream), in (timestamp, ingestion) order. */
  eventsOf(groupName: string, streamName?: string): (StoredEvent & { logStreamName: string })[] {
    const group = this.requireGroup(groupName);
    const out: (StoredEvent & { logStreamName: string })[] = [];
    for (const stream of group.streams.values()) {
      if (streamName !== undefined && stream.name !== streamName) continue;
      for (const e of stream.events) out.push({ ...e, logStreamName: stream.name });
    }
    return out.sort((a, b) => a.ts - b.ts || a.seq - b.seq);
  }
}
