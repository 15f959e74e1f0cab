import { AwsError } from '../core/errors.ts';
import { InputReader } from '../core/input.ts';
import { compileFilterPattern } from './filter-pattern.ts';
import { eventId, type LogGroup, type LogStream, type LogsState, type StoredEvent } from './store.ts';

/** PutLogEvents limits, as documented in the CloudWatch Logs API reference. */
export const PUT_LIMITS = {
  maxEvents: 10_000,
  maxBatchBytes: 1_048_576,
  perEventOverheadBytes: 26,
  maxPastMs: 14 * 24 * 3600_000,
  maxFutureMs: 2 * 3600_000,
  maxSpanMs: 24 * 3600_000,
} as const;

interface InputEvent {
  timestamp: number;
  message: string;
}

export const GROUP_NAME = { min: 1, max: 512, pattern: /^[.\-_/#A-Za-z0-9]+$/ };
export const STREAM_NAME = { min: 1, max: 512, pattern: /^[^:*]*$/ };

export function putLogEvents(state: LogsState, input: Record<string, unknown>) {
  const r = new InputReader(input, 'InvalidParameterException');
  const groupRef = r.optString('logGroupName', GROUP_NAME) ?? r.string('logGroupIdentifier', { min: 1, max: 2048 });
  const streamName = r.string('logStreamName', STREAM_NAME);
  r.optString('sequenceToken'); // accepted and ignored, as AWS does since January 2023
  const events = readEvents(r);
  const group = state.requireGroup(groupRef);
  const stream = state.requireStream(group, streamName);

  checkBatchSize(events);
  checkChronological(events);
  const now = state.clock.now();
  const { accepted, rejected } = classifyByAge(events, now, group.retentionInDays);
  checkSpan(accepted);

  const stored = state.append(stream, accepted, now);
  if (stored.length > 0) deliverToSubscriptions(state, group, stream, stored);
  return {
    nextSequenceToken: String(stored[stored.length - 1]?.seq ?? 0).padStart(56, '0'),
    rejectedLogEventsInfo: Object.keys(rejected).length > 0 ? rejected : undefined,
  };
}

function readEvents(r: InputReader): InputEvent[] {
  const list = r.optList('logEvents', PUT_LIMITS.maxEvents, 1);
  if (list === undefined) r.fail('logEvents', undefined, 'Member must not be null');
  return list.map((item, i) => {
    const e: InputReader = r.nested(`logEvents.${i + 1}`, item);
    const timestamp = e.optInt('timestamp', { min: 0 });
    if (timestamp === undefined) e.fail('timestamp', undefined, 'Member must not be null');
    return { timestamp, message: e.string('message', { min: 1 }) };
  });
}

function checkBatchSize(events: InputEvent[]): void {
  let bytes = 0;
  for (const e of events) bytes += Buffer.byteLength(e.message, 'utf8') + PUT_LIMITS.perEventOverheadBytes;
  if (bytes > PUT_LIMITS.maxBatchBytes) {
    throw new AwsError(
      'InvalidParameterException',
      `Upload too large: ${bytes} bytes exceeds limit of ${PUT_LIMITS.maxBatchBytes}`,
    );
  }
}

function checkChronological(events: InputEvent[]): void {
  for (let i = 1; i < events.length; i++) {
    if (events[i].timestamp < events[i - 1].timestamp) {
      throw new AwsError(
        'InvalidParameterException',
        `Log events in a single PutLogEvents request must be in chronological order (logEvents.${i + 1} is earlier than logEvents.${i}).`,
      );
    }
  }
}

/**
 * Too-old, expired and too-new events are rejected but the rest of the batch is stored. Because the batch is
 * chronological the rejected events form a prefix and a suffix; the end indexes are exclusive and the start
 * index inclusive, as the API reference defines them.
 */
function classifyByAge(events: InputEvent[], now: number, retentionInDays: number | undefined) {
  const tooOldBefore = now - PUT_LIMITS.maxPastMs;
  const expiredBefore = retentionInDays === undefined ? -Infinity : now - retentionInDays * 86_400_000;
  const tooNewAfter = now + PUT_LIMITS.maxFutureMs;
  let tooOld = 0;
  while (tooOld < events.length && events[tooOld].timestamp < tooOldBefore) tooOld++;
  let expired = 0;
  while (expired < events.length && events[expired].timestamp < expiredBefore) expired++;
  let tooNew = events.length;
  while (tooNew > 0 && events[tooNew - 1].timestamp > tooNewAfter) tooNew--;
  const rejected: Record<string, number> = {};
  if (tooOld > 0) rejected.tooOldLogEventEndIndex = tooOld;
  if (expired > 0) rejected.expiredLogEventEndIndex = expired;
  if (tooNew < events.length) rejected.tooNewLogEventStartIndex = tooNew;
  const start = Math.max(tooOld, expired);
  return { accepted: start < tooNew ? events.slice(start, tooNew) : [], rejected };
}

function checkSpan(accepted: InputEvent[]): void {
  if (accepted.length < 2) return;
  if (accepted[accepted.length - 1].timestamp - accepted[0].timestamp > PUT_LIMITS.maxSpanMs) {
    throw new AwsError(
      'InvalidParameterException',
      'The batch of log events in a single PutLogEvents request cannot span more than 24 hours.',
    );
  }
}

function deliverToSubscriptions(state: LogsState, group: LogGroup, stream: LogStream, stored: StoredEvent[]): void {
  for (const filter of group.subscriptions.values()) {
    const matches = compileFilterPattern(filter.filterPattern);
    const logEvents = stored
      .filter((e) => matches(e.message))
      .map((e) => ({ id: eventId(e), timestamp: e.ts, message: e.message }));
    if (logEvents.length === 0) continue;
    state.deliver({
      messageType: 'DATA_MESSAGE',
      owner: state.accountId,
      logGroup: group.name,
      logStream: stream.name,
      subscriptionFilters: [filter.filterName],
      logEvents,
    });
  }
}
