import type { SynthRecord } from '../types.ts';

/** Min-heap of records by (ts, insertion order): lines a unit wrote past the end of the current slot. */
export class RecordHeap {
  private items: { r: SynthRecord; seq: number }[] = [];
  private seq = 0;

  get size(): number {
    return this.items.length;
  }

  peekTs(): number {
    return this.items.length ? this.items[0].r.event.ts : Number.POSITIVE_INFINITY;
  }

  push(r: SynthRecord): void {
    const items = this.items;
    items.push({ r, seq: this.seq++ });
    let i = items.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(i, p)) break;
      [items[i], items[p]] = [items[p], items[i]];
      i = p;
    }
  }

  pop(): SynthRecord | undefined {
    const items = this.items;
    if (!items.length) return undefined;
    const top = items[0].r;
    const last = items.pop()!;
    if (items.length) {
      items[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < items.length && this.less(l, m)) m = l;
        if (r < items.length && this.less(r, m)) m = r;
        if (m === i) break;
        [items[i], items[m]] = [items[m], items[i]];
        i = m;
      }
    }
    return top;
  }

  private less(a: number, b: number): boolean {
    const x = this.items[a];
    const y = this.items[b];
    return x.r.event.ts < y.r.event.ts || (x.r.event.ts === y.r.event.ts && x.seq < y.seq);
  }
}
