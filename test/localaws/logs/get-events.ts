import { InputReader } from '../core/input.ts';
import { GROUP_NAME, PUT_LIMITS, STREAM_NAME } from './put-events.ts';
import { type LogsState, lowerBound, type StoredEvent } from './store.ts';
import { type Boundary, type Direction, decodeToken, END_OF_TIME, encodeToken } from './tokens.ts';

/** Responses stop at 10,000 events or about 1 MB, whichever comes first (the API reference's figures). */
export const READ_LIMITS = { maxEvents: 10_000, maxResponseBytes: 1_048_576 } as const;

export function eventCost(e: StoredEvent): number {
  return Buffer.byteLength(e.message, 'utf8') + PUT_LIMITS.perEventOverheadBytes;
}

/**
 * GetLogEvents: without a token, the first page is the head (startFromHead) or the tail of the time range.
 * Events are always returned oldest first. nextForwardToken continues after the newest event returned and is
 * the same token again when there is nothing newer, so a client can poll it.
 */
export function getLogEvents(state: LogsState, input: Record<string, unknown>) {
  const r = new InputReader(input, 'InvalidParameterException');
  const groupRef = r.optString('logGroupName', GROUP_NAME) ?? r.string('logGroupIdentifier', { min: 1, max: 2048 });
  const stream = state.requireStream(state.requireGroup(groupRef), r.string('logStreamName', STREAM_NAME));
  const startTime = r.optInt('startTime', { min: 0 });
  const endTime = r.optInt('endTime', { min: 0 });
  const limit = r.optInt('limit', { min: 1, max: READ_LIMITS.maxEvents }) ?? READ_LIMITS.maxEvents;
  const token = r.optString('nextToken', { min: 1 });
  r.optBool('unmask');
  const fromHead = r.optBool('startFromHead') ?? false;

  const events = stream.events;
  const lo = startTime === undefined ? 0 : lowerBound(events, startTime, 0);
  const hi = Math.max(lo, endTime === undefined ? events.length : lowerBound(events, endTime, 0));
  const start: { dir: Direction; at: Boundary } = token
    ? decodeToken(token)
    : { dir: fromHead ? 'f' : 'b', at: fromHead ? HEAD : TAIL };
  const pos = lowerBound(events, start.at.ts, start.at.seq);

  let first: number;
  let last: number; // exclusive
  if (start.dir === 'f') {
    first = Math.max(pos, lo);
    last = first;
    let bytes = 0;
    while (
      last < hi &&
      last - first < limit &&
      (last === first || bytes + eventCost(events[last]) <= READ_LIMITS.maxResponseBytes)
    ) {
      bytes += eventCost(events[last]);
      last++;
    }
  } else {
    last = Math.min(pos, hi);
    first = last;
    let bytes = 0;
    while (
      first > lo &&
      last - first < limit &&
      (first === last || bytes + eventCost(events[first - 1]) <= READ_LIMITS.maxResponseBytes)
    ) {
      bytes += eventCost(events[first - 1]);
      first--;
    }
  }

  const page = events.slice(first, last);
  const forward: Boundary =
    page.length > 0 ? after(page[page.length - 1]) : start.dir === 'f' ? start.at : keyAt(events, first);
  const backward: Boundary =
    page.length > 0 ? { ts: page[0].ts, seq: page[0].seq } : start.dir === 'b' ? start.at : keyAt(events, first);
  return {
    events: page.map((e) => ({ timestamp: e.ts, message: e.message, ingestionTime: e.ingestionTime })),
    nextForwardToken: encodeToken('f', forward),
    nextBackwardToken: encodeToken('b', backward),
  };
}

const HEAD: Boundary = { ts: 0, seq: 0 };
const TAIL: Boundary = { ts: END_OF_TIME, seq: 0 };

function after(e: StoredEvent): Boundary {
  return { ts: e.ts, seq: e.seq + 1 };
}

/** The boundary just before events[i], or just after the last event when i is the end. */
function keyAt(events: StoredEvent[], i: number): Boundary {
  if (i < events.length) return { ts: events[i].ts, seq: events[i].seq };
  const last = events[events.length - 1];
  return last ? after(last) : HEAD;
}
