import { describe, expect, it } from 'vitest';
import { MicroBatcher } from './micro-batcher.ts';

/** A runner that doubles each value and records the batch sizes it saw. */
function recordingRunner() {
  const batches: number[] = [];
  const run = async (rows: Float32Array, nRows: number) => {
    batches.push(nRows);
    return rows.map((v) => v * 2);
  };
  return { batches, run };
}

const row = (...v: number[]) => new Float32Array(v);

describe('MicroBatcher', () => {
  it('coalesces same-tick requests into batches of at most maxRows and routes results back', async () => {
    const { batches, run } = recordingRunner();
    const b = new MicroBatcher(run, { maxRows: 4, maxDelayMs: 0 });
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => b.submit(row(i, -i), 1)));
    expect(batches).toEqual([4, 4, 2]);
    expect(results.map((r) => [...r])).toEqual(results.map((_, i) => [2 * i, -2 * i]));
  });

  it('waits at most maxDelayMs for company', async () => {
    const { batches, run } = recordingRunner();
    const b = new MicroBatcher(run, { maxRows: 100, maxDelayMs: 5 });
    const first = b.submit(row(1, 1), 1);
    await new Promise((r) => setTimeout(r, 1));
    const second = b.submit(row(2, 2, 3, 3), 2);
    expect(b.pendingRows).toBe(3);
    expect([...(await second)]).toEqual([4, 4, 6, 6]);
    expect([...(await first)]).toEqual([2, 2]);
    expect(batches).toEqual([3]);
  });

  it('lets a request of maxRows or more skip the queue', async () => {
    const { batches, run } = recordingRunner();
    const b = new MicroBatcher(run, { maxRows: 2, maxDelayMs: 50 });
    await b.submit(row(1, 2, 3), 3);
    expect(batches).toEqual([3]);
    expect(b.pendingRows).toBe(0);
  });

  it('drain() runs what is queued and waits for it', async () => {
    const { batches, run } = recordingRunner();
    const b = new MicroBatcher(run, { maxRows: 100, maxDelayMs: 10_000 });
    let resolved = false;
    void b.submit(row(1), 1).then(() => {
      resolved = true;
    });
    await b.drain();
    expect(batches).toEqual([1]);
    expect(resolved).toBe(true);
  });

  it('rejects every caller of a failed batch', async () => {
    const b = new MicroBatcher(async () => Promise.reject(new Error('boom')), { maxRows: 8, maxDelayMs: 0 });
    const all = await Promise.allSettled([b.submit(row(1), 1), b.submit(row(2), 1)]);
    expect(all.map((r) => r.status)).toEqual(['rejected', 'rejected']);
  });
});
