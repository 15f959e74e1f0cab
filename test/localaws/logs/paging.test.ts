import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { filterLogEvents } from './filter-events.ts';
import { getLogEvents } from './get-events.ts';
import { LogsState } from './store.ts';

const NOW = Date.UTC(2025, 5, 1);

/** Streams with random sizes and timestamps (many ties), appended in random chunks, some older than stored events. */
const streamsArb = fc.array(
  fc.array(fc.array(fc.integer({ min: 0, max: 50 }), { minLength: 1, maxLength: 30 }), { minLength: 1, maxLength: 4 }),
  { minLength: 1, maxLength: 4 },
);

function build(streams: number[][][]): { state: LogsState; total: number } {
  const state = new LogsState('000000000000', 'us-east-1', { now: () => NOW });
  const group = state.createGroup('g');
  let total = 0;
  streams.forEach((chunks, s) => {
    const stream = state.createStream(group, `s${s}`);
    for (const chunk of chunks) {
      const sorted = [...chunk].sort((a, b) => a - b);
      state.append(
        stream,
        sorted.map((t) => ({ timestamp: NOW - 1000 + t, message: `s${s} ${total++}` })),
        NOW,
      );
    }
  });
  return { state, total };
}

describe('pagination is exactly-once for any data and page size', () => {
  it('FilterLogEvents (both directions, with scan limits)', () => {
    fc.assert(
      fc.property(
        streamsArb,
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 1, max: 60 }),
        fc.boolean(),
        (streams, limit, scanLimit, fromHead) => {
          const { state, total } = build(streams);
          const seen: string[] = [];
          const stamps: number[] = [];
          let token: string | undefined;
          for (let calls = 0; calls < 10_000; calls++) {
            const page = filterLogEvents(
              state,
              { logGroupName: 'g', limit, startFromHead: fromHead, nextToken: token },
              { scanLimit },
            );
            for (const e of page.events) {
              seen.push(e.message);
              stamps.push(e.timestamp);
            }
            token = page.nextToken;
            if (!token) break;
          }
          expect(seen.length).toBe(total);
          expect(new Set(seen).size).toBe(total);
          const ordered = [...stamps].sort((a, b) => (fromHead ? a - b : b - a));
          expect(stamps).toEqual(ordered);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('GetLogEvents forward and backward', () => {
    fc.assert(
      fc.property(streamsArb, fc.integer({ min: 1, max: 25 }), (streams, limit) => {
        const { state } = build(streams);
        const expected = state.eventsOf('g', 's0').map((e) => e.message);
        const forward: string[] = [];
        let page = getLogEvents(state, { logGroupName: 'g', logStreamName: 's0', startFromHead: true, limit });
        while (page.events.length > 0) {
          forward.push(...page.events.map((e) => e.message));
          const next = getLogEvents(state, {
            logGroupName: 'g',
            logStreamName: 's0',
            nextToken: page.nextForwardToken,
            limit,
          });
          if (next.events.length === 0) expect(next.nextForwardToken).toBe(page.nextForwardToken);
          page = next;
        }
        expect(forward).toEqual(expected);
        const pages: string[][] = [];
        page = getLogEvents(state, { logGroupName: 'g', logStreamName: 's0', limit });
        while (page.events.length > 0) {
          pages.push(page.events.map((e) => e.message));
          page = getLogEvents(state, {
            logGroupName: 'g',
            logStreamName: 's0',
            nextToken: page.nextBackwardToken,
            limit,
          });
        }
        expect(pages.reverse().flat()).toEqual(expected);
      }),
      { numRuns: 150 },
    );
  });
});
