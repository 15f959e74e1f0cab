import { AwsError } from '../core/errors.ts';
import { InputReader } from '../core/input.ts';
import { GROUP_NAME, STREAM_NAME } from './put-events.ts';
import type { LogGroup, LogStream, LogsState } from './store.ts';

/** Name-keyed page tokens: the last name returned, so creating or deleting entries never repeats or skips one. */
function encodeNameToken(name: string): string {
  return Buffer.from(`n:${name}`, 'utf8').toString('base64url');
}

function decodeNameToken(token: string): string {
  const text = Buffer.from(token, 'base64url').toString('utf8');
  if (!text.startsWith('n:')) throw new AwsError('InvalidParameterException', 'The specified nextToken is invalid.');
  return text.slice(2);
}

function page<T>(items: T[], keyOf: (t: T) => string, token: string | undefined, limit: number) {
  const after = token === undefined ? undefined : decodeNameToken(token);
  const start = after === undefined ? 0 : items.findIndex((t) => keyOf(t) > after);
  const rest = start < 0 ? [] : items.slice(start);
  const out = rest.slice(0, limit);
  const nextToken = rest.length > limit ? encodeNameToken(keyOf(out[out.length - 1])) : undefined;
  return { out, nextToken };
}

export function describeLogGroups(state: LogsState, input: Record<string, unknown>) {
  const r = new InputReader(input, 'InvalidParameterException');
  const prefix = r.optString('logGroupNamePrefix', GROUP_NAME);
  const pattern = r.optString('logGroupNamePattern', { max: 512 });
  const limit = r.optInt('limit', { min: 1, max: 50 }) ?? 50;
  const token = r.optString('nextToken', { min: 1 });
  const cls = r.optString('logGroupClass');
  if (prefix !== undefined && pattern !== undefined) {
    throw new AwsError(
      'InvalidParameterException',
      'logGroupNamePrefix and logGroupNamePattern are mutually exclusive',
    );
  }
  const groups = [...state.groups.values()]
    .filter(
      (g) => (prefix === undefined || g.name.startsWith(prefix)) && (pattern === undefined || g.name.includes(pattern)),
    )
    .filter((g) => cls === undefined || g.logGroupClass === cls)
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const { out, nextToken } = page(groups, (g) => g.name, token, limit);
  return { logGroups: out.map((g) => describeGroup(state, g)), nextToken };
}

function describeGroup(state: LogsState, g: LogGroup) {
  let storedBytes = 0;
  for (const s of g.streams.values()) storedBytes += s.storedBytes;
  const arn = state.groupArn(g.name);
  return {
    logGroupName: g.name,
    creationTime: g.creationTime,
    retentionInDays: g.retentionInDays,
    metricFilterCount: 0,
    arn: `${arn}:*`,
    logGroupArn: arn,
    storedBytes,
    kmsKeyId: g.kmsKeyId,
    logGroupClass: g.logGroupClass,
  };
}

export function describeLogStreams(state: LogsState, input: Record<string, unknown>) {
  const r = new InputReader(input, 'InvalidParameterException');
  const groupRef = r.optString('logGroupName', GROUP_NAME) ?? r.string('logGroupIdentifier', { min: 1, max: 2048 });
  const prefix = r.optString('logStreamNamePrefix', STREAM_NAME);
  const orderBy = r.optString('orderBy', { oneOf: ['LogStreamName', 'LastEventTime'] }) ?? 'LogStreamName';
  const descending = r.optBool('descending') ?? false;
  const limit = r.optInt('limit', { min: 1, max: 50 }) ?? 50;
  const token = r.optString('nextToken', { min: 1 });
  if (orderBy === 'LastEventTime' && prefix !== undefined) {
    throw new AwsError('InvalidParameterException', 'Cannot order by LastEventTime with a logStreamNamePrefix.');
  }
  const group = state.requireGroup(groupRef);
  const streams = [...group.streams.values()].filter((s) => prefix === undefined || s.name.startsWith(prefix));
  // Sort keys are encoded so one string order serves both orderings and both directions.
  const keyOf = (s: LogStream) =>
    orderBy === 'LastEventTime' ? `${String(lastTs(s)).padStart(16, '0')}/${s.name}` : s.name;
  streams.sort((a, b) => (keyOf(a) < keyOf(b) ? -1 : keyOf(a) > keyOf(b) ? 1 : 0));
  if (descending) streams.reverse();
  const { out, nextToken } = descending
    ? pageDescending(streams, keyOf, token, limit)
    : page(streams, keyOf, token, limit);
  return { logStreams: out.map((s) => describeStream(state, group, s)), nextToken };
}

function pageDescending(items: LogStream[], keyOf: (s: LogStream) => string, token: string | undefined, limit: number) {
  const before = token === undefined ? undefined : decodeNameToken(token);
  const start = before === undefined ? 0 : items.findIndex((s) => keyOf(s) < before);
  const rest = start < 0 ? [] : items.slice(start);
  const out = rest.slice(0, limit);
  return { out, nextToken: rest.length > limit ? encodeNameToken(keyOf(out[out.length - 1])) : undefined };
}

function lastTs(s: LogStream): number {
  return s.events.length > 0 ? s.events[s.events.length - 1].ts : 0;
}

function describeStream(state: LogsState, group: LogGroup, s: LogStream) {
  const first = s.events[0];
  const last = s.events[s.events.length - 1];
  return {
    logStreamName: s.name,
    creationTime: s.creationTime,
    firstEventTimestamp: first?.ts,
    lastEventTimestamp: last?.ts,
    lastIngestionTime: s.lastIngestionTime,
    arn: `${state.groupArn(group.name)}:log-stream:${s.name}`,
    storedBytes: 0, // AWS has returned 0 here since 2019 (deprecated member)
  };
}
