import { LOG_SOURCES, type LogSource } from '../../schema/event.ts';
import { Rng } from '../rng.ts';
import { HOUR } from '../time.ts';
import type { Sink, SynthRecord } from '../types.ts';
import type { World } from '../world/index.ts';
import { normalBudgets, slotCounts, sourceTargets } from './budget.ts';
import { RecordHeap } from './heap.ts';
import type { NormalSource, Overlays, TimedEmitter } from './types.ts';

export interface GeneratorInput {
  world: World;
  overlays: Overlays;
  /** Incidents and scheduled jobs: lines on their own clock, reserved from the budget. */
  emitters: TimedEmitter[];
  sources: NormalSource[];
}

/** Lines per source: what the mix asks for, what incidents and schedules reserve, what normal traffic fills. */
export interface Budget {
  target: Record<LogSource, number>;
  reserved: Record<LogSource, number>;
  normal: Record<LogSource, number>;
}

export function planBudget(world: World, emitters: TimedEmitter[]): Budget {
  const target = sourceTargets(world.scenario.samples, world.scenario.mix);
  const reserved = Object.fromEntries(LOG_SOURCES.map((s) => [s, 0])) as Record<LogSource, number>;
  for (const e of emitters) for (const s of LOG_SOURCES) reserved[s] += e.lines[s] ?? 0;
  return { target, reserved, normal: normalBudgets(target, reserved) };
}

/**
 * Time-ordered records of the whole range, one hour at a time: each hour's normal lines per source (exact counts
 * from the budget), the incidents active in it, and earlier units' lines that fall into it. Memory holds one hour
 * of lines plus the open units (sessions, invocations), never the dataset.
 */
export function* generateRecords(input: GeneratorInput, budget: Budget): Generator<SynthRecord> {
  const { world, overlays, sources } = input;
  const { startMs, endMs } = world;
  const counts = sources.map((s) => slotCounts(s, budget.normal[s.source], startMs, endMs, world.seed));
  const rngs = sources.map((s) => new Rng(world.seed, `normal:${s.source}`));
  const emitters = [...input.emitters].sort((a, b) => a.start - b.start || (a.id < b.id ? -1 : 1));
  const totals = sources.map((s) => budget.normal[s.source]);
  const planned = sources.map(() => 0);
  const written = sources.map(() => 0);
  const heap = new RecordHeap();
  let next = 0;
  const active: TimedEmitter[] = [];
  const slots = Math.ceil((endMs - startMs) / HOUR);
  for (let k = 0; k < slots; k++) {
    const start = startMs + k * HOUR;
    const end = Math.min(start + HOUR, endMs);
    const buf: SynthRecord[] = [];
    const sink: Sink = {
      push(r) {
        const ts = r.event.ts;
        if (ts < start || ts >= endMs)
          throw new Error(`generator bug: ${r.file} line at ${ts} outside slot ${start}..${endMs}`);
        if (ts >= end) heap.push(r);
        else buf.push(r);
      },
    };
    for (let i = 0; i < sources.length; i++) {
      // Cumulative budget: a unit that overshot one slot shortens the next; the total stays exact because the
      // overshoot may never exceed what later slots still have.
      planned[i] += counts[i][k];
      const due = planned[i] - written[i];
      if (due > 0) {
        const slack = Math.min(64, totals[i] - planned[i]);
        written[i] += sources[i].emit({ world, overlays, rng: rngs[i], start, end, sink }, due, slack);
      }
    }
    while (next < emitters.length && emitters[next].start < end) active.push(emitters[next++]);
    for (let i = active.length - 1; i >= 0; i--) {
      active[i].emitUntil(end, sink);
      if (active[i].end <= end) active.splice(i, 1);
    }
    while (heap.size && heap.peekTs() < end) buf.push(heap.pop()!);
    buf.sort((a, b) => a.event.ts - b.event.ts);
    yield* buf;
  }
  if (heap.size) throw new Error(`generator bug: ${heap.size} lines left after the range end`);
  sources.forEach((s, i) => {
    if (written[i] !== totals[i])
      throw new Error(`generator bug: ${s.source} wrote ${written[i]} normal lines, budget ${totals[i]}`);
  });
}
