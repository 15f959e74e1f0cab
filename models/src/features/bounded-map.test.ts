import { describe, expect, it } from 'vitest';
import { BoundedMap, RecencySet } from './bounded-map.ts';

describe('BoundedMap', () => {
  it('never exceeds capacity and evicts the least recently used first', () => {
    const m = new BoundedMap<number, number>(16);
    for (let i = 0; i < 16; i++) m.set(i, i);
    for (let i = 16; i < 40; i++) {
      m.get(0); // kept hot: must survive
      m.set(i, i);
    }
    expect(m.size).toBeLessThanOrEqual(16);
    expect(m.peek(0)).toBe(0);
    expect(m.peek(1)).toBeUndefined();
    expect(m.evictions).toBeGreaterThan(0);
  });
});

describe('RecencySet', () => {
  it('reports first sightings, forgets the oldest when full, and counts recent keys', () => {
    const s = new RecencySet(8);
    expect(s.touch('a', 1)).toBe(true);
    expect(s.touch('a', 2)).toBe(false);
    for (let i = 0; i < 20; i++) s.touch(`k${i}`, 10 + i);
    expect(s.size).toBeLessThanOrEqual(8);
    expect(s.has('a')).toBe(false);
    expect(s.countSince(27)).toBe(3);
  });
});
