import { mulberry32 } from '../../util/mulberry32.ts';
import { HOUR_MS, type Series } from './types.ts';

/** Seeded PRNG (mulberry32). */
export const rng = mulberry32;

/** Monday 2025-01-06 00:00 UTC: weeks in the synthetic series start on a Monday. */
export const T0 = Date.UTC(2025, 0, 6);

/**
 * Hourly event counts with a daily cycle (busy 08-18h), a weekly cycle (weekends at 30%) and Gaussian-ish noise of
 * about 5% of the level: what an account-wide count series looks like.
 */
export function seasonalCounts(weeks: number, base = 200, seed = 7): number[] {
  const r = rng(seed);
  const out: number[] = [];
  for (let i = 0; i < weeks * 168; i++) {
    const hour = i % 24;
    const day = Math.floor(i / 24) % 7;
    const daily = 0.4 + 0.6 * Math.max(0, Math.sin(((hour - 6) / 14) * Math.PI));
    const weekly = day >= 5 ? 0.3 : 1;
    const level = base * daily * weekly;
    const noise = (r() + r() + r() - 1.5) * 0.1 * level;
    out.push(Math.max(0, Math.round(level + noise)));
  }
  return out;
}

export function asSeries(values: number[], start = T0): Series {
  return { start, stepMs: HOUR_MS, values: Float64Array.from(values) };
}
