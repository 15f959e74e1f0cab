import { describe, expect, it } from 'vitest';
import { hash32, OrderedTimes, Rng } from './rng.ts';

describe('Rng', () => {
  it('repeats a stream for the same seed and label, and differs across labels and seeds', () => {
    const a = new Rng(42, 'x');
    const b = new Rng(42, 'x');
    const seqA = Array.from({ length: 50 }, () => a.u32());
    expect(Array.from({ length: 50 }, () => b.u32())).toEqual(seqA);
    const c = new Rng(42, 'y');
    const d = new Rng(43, 'x');
    expect(Array.from({ length: 50 }, () => c.u32())).not.toEqual(seqA);
    expect(Array.from({ length: 50 }, () => d.u32())).not.toEqual(seqA);
  });

  it('draws floats in [0, 1) and integers in the closed range', () => {
    const r = new Rng(1, 'ranges');
    for (let i = 0; i < 10_000; i++) {
      const f = r.float();
      expect(f >= 0 && f < 1).toBe(true);
      const n = r.int(3, 7);
      expect(n >= 3 && n <= 7 && Number.isInteger(n)).toBe(true);
    }
  });

  it('makes identifiers of the right shape', () => {
    const r = new Rng(5, 'ids');
    expect(r.uuid()).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(r.hex(17)).toMatch(/^[0-9a-f]{17}$/);
    expect(r.upperHex(16)).toMatch(/^[0-9A-F]{16}$/);
    expect(r.digits(56)).toMatch(/^\d{56}$/);
    expect(r.base64(43)).toMatch(/^[A-Za-z0-9+/]{43}$/);
  });

  it('picks by weight and never picks a zero weight', () => {
    const r = new Rng(9, 'weights');
    const hits = [0, 0, 0];
    for (let i = 0; i < 20_000; i++) hits[r.weighted([1, 0, 3])]++;
    expect(hits[1]).toBe(0);
    expect(hits[2] / hits[0]).toBeGreaterThan(2.6);
    expect(hits[2] / hits[0]).toBeLessThan(3.4);
    expect(r.weighted([0, 0])).toBe(-1);
  });

  it('hashes stably', () => {
    expect(hash32('vigil', 1)).toBe(hash32('vigil', 1));
    expect(hash32('vigil', 1)).not.toBe(hash32('vigil', 2));
  });
});

describe('OrderedTimes', () => {
  it('yields exactly n sorted times inside the window, then NaN', () => {
    const t = new OrderedTimes(500, 1000, 2000, new Rng(3, 'times'));
    const out: number[] = [];
    for (let x = t.next(); !Number.isNaN(x); x = t.next()) out.push(x);
    expect(out).toHaveLength(500);
    expect(out.every((x, i) => x >= 1000 && x < 2000 && (i === 0 || x >= out[i - 1]))).toBe(true);
    // Roughly uniform: the median is near the middle.
    expect(out[250]).toBeGreaterThan(1400);
    expect(out[250]).toBeLessThan(1600);
  });

  it('keeps order under a warp that concentrates arrivals', () => {
    const t = new OrderedTimes(200, 0, 1, new Rng(4, 'warp'), (u) => u ** 3);
    const out = Array.from({ length: 200 }, () => t.next());
    expect(out.every((x, i) => i === 0 || x >= out[i - 1])).toBe(true);
    expect(out.filter((x) => x < 0.125).length).toBeGreaterThan(80);
  });
});
