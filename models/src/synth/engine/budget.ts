import { LOG_SOURCES, type LogSource } from '../../schema/event.ts';
import { ValidationError } from '../../schema/validate.ts';
import { Rng } from '../rng.ts';
import { DAY, HOUR } from '../time.ts';
import type { Actor, NormalSource, SlotCtx } from './types.ts';

/** Split `total` by shares with the largest-remainder method, so the parts sum to `total` exactly. */
export function largestRemainder(total: number, shares: number[]): number[] {
  const raw = shares.map((s) => s * total);
  const out = raw.map(Math.floor);
  let left = total - out.reduce((a, b) => a + b, 0);
  const order = raw.map((r, i) => [r - Math.floor(r), i]).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (let k = 0; left > 0 && k < order.length; k++, left--) out[order[k][1]]++;
  return out;
}

/** Records per source: the mix applied to the sample count, exact in total. */
export function sourceTargets(samples: number, mix: Record<LogSource, number>): Record<LogSource, number> {
  const parts = largestRemainder(
    samples,
    LOG_SOURCES.map((s) => mix[s]),
  );
  return Object.fromEntries(LOG_SOURCES.map((s, i) => [s, parts[i]])) as Record<LogSource, number>;
}

/** Normal lines per source = target minus what incidents reserve; refuses a scenario whose anomalies do not fit. */
export function normalBudgets(
  targets: Record<LogSource, number>,
  reserved: Record<LogSource, number>,
): Record<LogSource, number> {
  const out = {} as Record<LogSource, number>;
  for (const s of LOG_SOURCES) {
    const free = targets[s] - reserved[s];
    if (reserved[s] > targets[s] * 0.6) {
      throw new ValidationError('scenario', [
        {
          path: `mix.${s}`,
          message: `injected anomalies need ${reserved[s]} ${s} lines but the source only gets ${targets[s]}; raise samples or mix.${s}, or lower anomalies.count`,
        },
      ]);
    }
    out[s] = Math.max(0, free);
  }
  return out;
}

/**
 * Lines per hourly slot for one source: its activity weight times over-dispersed noise (a daily and an hourly
 * log-normal factor), turned into integer counts by cumulative rounding so they sum to `total` exactly.
 */
export function slotCounts(src: NormalSource, total: number, startMs: number, endMs: number, seed: number): Int32Array {
  const n = Math.ceil((endMs - startMs) / HOUR);
  const rng = new Rng(seed, `budget:${src.source}`);
  const w = new Float64Array(n);
  let sum = 0;
  let dayNoise = 1;
  for (let k = 0; k < n; k++) {
    const start = startMs + k * HOUR;
    if (k === 0 || start % DAY === 0) dayNoise = rng.logNormal(1, 0.18);
    const span = Math.min(HOUR, endMs - start);
    const v = src.weight(start + span / 2) * dayNoise * rng.logNormal(1, 0.3) * (span / HOUR);
    w[k] = Math.max(0, v) || 0;
    sum += w[k];
  }
  const counts = new Int32Array(n);
  if (!(sum > 0) || total === 0) {
    if (total > 0) counts[0] = total;
    return counts;
  }
  let acc = 0;
  let prev = 0;
  for (let k = 0; k < n; k++) {
    acc += w[k];
    const cum = k === n - 1 ? total : Math.round((total * acc) / sum);
    counts[k] = cum - prev;
    prev = cum;
  }
  return counts;
}

/**
 * Write about `count` lines from a set of actors chosen by their weight at the slot's midpoint. A unit may run past
 * `count` by up to `slack` lines (multi-line units keep their shape; the caller carries the overshoot into later
 * slots); an actor whose unit does not fit returns 0 and the one-line filler is used. Returns the lines written.
 */
export function emitFromActors(actors: Actor[], filler: Actor, ctx: SlotCtx, count: number, slack: number): number {
  const mid = (ctx.start + ctx.end) / 2;
  const weights = actors.map((a) => a.weight(mid));
  let total = 0;
  for (const x of weights) total += x;
  let left = count;
  while (left > 0) {
    const t = ctx.start + ctx.rng.float() * (ctx.end - ctx.start);
    const i = total > 0 ? ctx.rng.weighted(weights, total) : -1;
    let n = i >= 0 ? actors[i].emit(t, left + slack, ctx) : 0;
    if (n === 0) n = filler.emit(t, 1, ctx);
    if (n <= 0) throw new Error('filler actor wrote no line');
    left -= n;
  }
  return count - left;
}
