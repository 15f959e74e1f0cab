import { describe, expect, it } from 'vitest';
import { createClock } from './clock.ts';

describe('createClock', () => {
  it('is the wall clock at speed 1 without an origin', () => {
    const wall = () => 1234;
    expect(createClock({ speed: 1 }, wall)).toBe(wall);
  });

  it('runs speed times faster than the wall, agreeing with it at the origin', () => {
    const origin = Date.parse('2026-01-01T00:00:00Z');
    let t = origin + 1000;
    const clock = createClock({ speed: 60, origin: '2026-01-01T00:00:00Z' }, () => t);
    expect(clock()).toBe(origin + 60_000);
    t += 1500;
    expect(clock()).toBe(Date.parse('2026-01-01T00:02:30Z'));
  });

  it('names a bad origin', () => {
    expect(() => createClock({ speed: 2, origin: 'yesterday' })).toThrow(/clock\.origin/);
  });
});
