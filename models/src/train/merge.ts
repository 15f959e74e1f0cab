import type { LogEvent } from '../schema/index.ts';

/**
 * Merges per-file event streams (each in time order) into one time-ordered stream with a binary heap, so the feature
 * engine sees the account the way a live system would, without loading every file into memory. Ties keep input order,
 * which keeps replays deterministic.
 */
export async function* mergeByTime(streams: AsyncIterable<LogEvent>[]): AsyncGenerator<LogEvent> {
  const iters = streams.map((s) => s[Symbol.asyncIterator]());
  const heap: { e: LogEvent; i: number }[] = [];
  const less = (a: { e: LogEvent; i: number }, b: { e: LogEvent; i: number }) =>
    a.e.ts < b.e.ts || (a.e.ts === b.e.ts && a.i < b.i);
  const push = (item: { e: LogEvent; i: number }) => {
    heap.push(item);
    let k = heap.length - 1;
    while (k > 0) {
      const p = (k - 1) >> 1;
      if (!less(heap[k], heap[p])) break;
      [heap[k], heap[p]] = [heap[p], heap[k]];
      k = p;
    }
  };
  const pop = () => {
    const top = heap[0];
    const last = heap.pop() as { e: LogEvent; i: number };
    if (heap.length > 0) {
      heap[0] = last;
      let k = 0;
      for (;;) {
        const l = 2 * k + 1;
        const r = l + 1;
        let m = k;
        if (l < heap.length && less(heap[l], heap[m])) m = l;
        if (r < heap.length && less(heap[r], heap[m])) m = r;
        if (m === k) break;
        [heap[k], heap[m]] = [heap[m], heap[k]];
        k = m;
      }
    }
    return top;
  };
  for (let i = 0; i < iters.length; i++) {
    const r = await iters[i].next();
    if (!r.done) push({ e: r.value, i });
  }
  while (heap.length > 0) {
    const { e, i } = pop();
    yield e;
    const r = await iters[i].next();
    if (!r.done) push({ e: r.value, i });
  }
}
