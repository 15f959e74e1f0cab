import { AwsError } from '../core/errors.ts';
import { InputReader } from '../core/input.ts';
import { compileFilterPattern } from './filter-pattern.ts';
import { eventCost, READ_LIMITS } from './get-events.ts';
import { GROUP_NAME, STREAM_NAME } from './put-events.ts';
import { eventId, type LogGroup, type LogStream, type LogsState, lowerBound, type StoredEvent } from './store.ts';
import { type Boundary, type Direction, decodeToken, END_OF_TIME, encodeToken } from './tokens.ts';

/** The API reference: a descending search must start on or after 2024-01-01T00:00:00Z. */
const DESCENDING_MIN_START = Date.UTC(2024, 0, 1);

interface Cursor {
  stream: LogStream;
  next: number; // forward: next index to read; backward: one past the next index to read
  stop: number; // forward: exclusive end; backward: inclusive low end
}

export interface FilterOptions {
  /** Events examined per call before returning a (possibly empty) page with a nextToken, as AWS may do. */
  scanLimit: number;
}

/**
 * FilterLogEvents: events of all selected streams interleaved by (timestamp, ingestion order), oldest first
 * (newest first with startFromHead=false). nextToken is present while more events may remain and resumes right
 * after the last event examined, so pages never repeat or skip an event.
 */
export function filterLogEvents(state: LogsState, input: Record<string, unknown>, opts: FilterOptions) {
  const r = new InputReader(input, 'InvalidParameterException');
  const groupRef = r.optString('logGroupName', GROUP_NAME) ?? r.string('logGroupIdentifier', { min: 1, max: 2048 });
  const names = r.optStringList('logStreamNames', 100, STREAM_NAME);
  const prefix = r.optString('logStreamNamePrefix', STREAM_NAME);
  const startTime = r.optInt('startTime', { min: 0 });
  const endTime = r.optInt('endTime', { min: 0 });
  const matches = compileFilterPattern(r.optString('filterPattern', { max: 1024 }));
  const token = r.optString('nextToken', { min: 1 });
  const limit = r.optInt('limit', { min: 1, max: READ_LIMITS.maxEvents }) ?? READ_LIMITS.maxEvents;
  const fromHead = r.optBool('startFromHead') ?? true;
  r.optBool('interleaved');
  r.optBool('unmask');
  if (names && prefix !== undefined) {
    throw new AwsError('InvalidParameterException', 'logStreamNames and logStreamNamePrefix cannot both be specified');
  }
  const group = state.requireGroup(groupRef);
  const start: { dir: Direction; at: Boundary } = token
    ? decodeToken(token)
    : { dir: fromHead ? 'f' : 'b', at: fromHead ? HEAD : TAIL };
  const forward = start.dir === 'f';
  if (!forward && !token && startTime !== undefined && startTime < DESCENDING_MIN_START) {
    throw new AwsError(
      'InvalidParameterException',
      'startFromHead=false is supported only when startTime is on or after 2024-01-01T00:00:00Z',
    );
  }

  const cursors = selectStreams(group, names, prefix).map((s) => openCursor(s, start.at, forward, startTime, endTime));
  const events: ReturnType<typeof toFiltered>[] = [];
  let bytes = 0;
  let scanned = 0;
  for (;;) {
    const c = pick(cursors, forward);
    if (!c) return { events, searchedLogStreams: [], nextToken: undefined };
    const e = c.stream.events[forward ? c.next : c.next - 1];
    const cost = eventCost(e);
    const take = matches(e.message);
    if (
      events.length >= limit ||
      scanned >= opts.scanLimit ||
      (take && events.length > 0 && bytes + cost > READ_LIMITS.maxResponseBytes)
    ) {
      // Resume at e itself: forward reads keys >= it, backward reads keys below (ts, seq + 1).
      const resumeAt: Boundary = forward ? { ts: e.ts, seq: e.seq } : { ts: e.ts, seq: e.seq + 1 };
      return { events, searchedLogStreams: [], nextToken: encodeToken(start.dir, resumeAt) };
    }
    scanned++;
    c.next += forward ? 1 : -1;
    if (take) {
      events.push(toFiltered(c.stream, e));
      bytes += cost;
    }
  }
}

const HEAD: Boundary = { ts: 0, seq: 0 };
const TAIL: Boundary = { ts: END_OF_TIME, seq: 0 };

function selectStreams(group: LogGroup, names: string[] | undefined, prefix: string | undefined): LogStream[] {
  const out: LogStream[] = [];
  if (names) {
    for (const name of new Set(names)) {
      const s = group.streams.get(name);
      if (s) out.push(s);
    }
    return out;
  }
  for (const s of group.streams.values()) if (prefix === undefined || s.name.startsWith(prefix)) out.push(s);
  return out;
}

function openCursor(stream: LogStream, at: Boundary, forward: boolean, startTime?: number, endTime?: number): Cursor {
  const ev = stream.events;
  const lo = startTime === undefined ? 0 : lowerBound(ev, startTime, 0);
  const hi = endTime === undefined ? ev.length : lowerBound(ev, endTime + 1, 0); // endTime is inclusive here
  const pos = lowerBound(ev, at.ts, at.seq);
  return forward ? { stream, next: Math.max(pos, lo), stop: hi } : { stream, next: Math.min(pos, hi), stop: lo };
}

/** The cursor holding the earliest (forward) or latest (backward) unread event; linear in the stream count. */
function pick(cursors: Cursor[], forward: boolean): Cursor | undefined {
  let best: Cursor | undefined;
  let bestEvent: StoredEvent | undefined;
  for (const c of cursors) {
    if (forward ? c.next >= c.stop : c.next <= c.stop) continue;
    const e = c.stream.events[forward ? c.next : c.next - 1];
    if (!bestEvent || (forward ? before(e, bestEvent) : before(bestEvent, e))) {
      best = c;
      bestEvent = e;
    }
  }
  return best;
}

function before(a: StoredEvent, b: StoredEvent): boolean {
  return a.ts < b.ts || (a.ts === b.ts && a.seq < b.seq);
}

function toFiltered(stream: LogStream, e: StoredEvent) {
  return {
    logStreamName: stream.name,
    timestamp: e.ts,
    message: e.message,
    ingestionTime: e.ingestionTime,
    eventId: eventId(e),
  };
}
