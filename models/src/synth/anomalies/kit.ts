import type { AnomalyType, EntityRef } from '../../schema/anomaly.ts';
import type { LogSource } from '../../schema/event.ts';
import type { Incident, LabelDraft, PlanCtx, SlotCtx } from '../engine/types.ts';
import { OrderedTimes } from '../rng.ts';
import { SECOND } from '../time.ts';
import type { Sink } from '../types.ts';
import { randomPublicIp } from '../world/net.ts';

/**
 * Building blocks every injector uses: sizing by intensity and dataset scale, a time window at the planner's
 * anchor, fresh attacker addresses, and an incident made of unit streams with exact line counts.
 */

/** Units for an incident: lerp(lo, hi, intensity) scaled to the dataset, never below `floor` (shrunk to fit). */
export function sized(ctx: PlanCtx, lo: number, hi: number, floor: number): number {
  const n = Math.round((lo + (hi - lo) * ctx.intensity) * ctx.scale);
  return Math.max(Math.max(1, Math.round(floor * ctx.fit)), n);
}

/** [start, end) starting at the anchor (whole second), clipped to the range end. */
export function windowAt(ctx: PlanCtx, durationMs: number): { start: number; end: number } {
  const { startMs, endMs } = ctx.world;
  const dur = Math.min(Math.max(60 * SECOND, Math.round(durationMs)), Math.floor((endMs - startMs) / 2));
  const latest = Math.floor((endMs - dur) / SECOND) * SECOND - SECOND;
  const start = Math.max(startMs, Math.min(Math.ceil(ctx.anchor / SECOND) * SECOND, latest));
  return { start, end: start + dur };
}

/** The first moment at or after `t` whose local hour (fixed UTC offset) lies in [from, to), plus a random offset. */
export function nextLocalHour(ctx: PlanCtx, t: number, offsetMinutes: number, from: number, to: number): number {
  const local = t + offsetMinutes * 60_000;
  const dayStart = Math.floor(local / 86_400_000) * 86_400_000;
  const hour = (local - dayStart) / 3_600_000;
  const span = (to - from) * 3_600_000;
  const startLocal = hour < to ? dayStart + Math.max(hour, from) * 3_600_000 : dayStart + 86_400_000 + from * 3_600_000;
  const room = Math.max(0, dayStart + (hour < to ? 0 : 86_400_000) + to * 3_600_000 - startLocal);
  return startLocal - offsetMinutes * 60_000 + ctx.rng.float() * Math.min(room, span);
}

/** A public address nobody in the estate has used: the attacker's. */
export function freshIp(ctx: PlanCtx): string {
  const { known } = ctx.world.pools;
  for (;;) {
    const ip = randomPublicIp(ctx.rng);
    if (!known.has(ip)) {
      known.add(ip);
      return ip;
    }
  }
}

export interface StreamSpec {
  label: string;
  source: LogSource;
  /** Units to write and the exact lines each one writes. */
  units: number;
  linesPerUnit: number;
  start: number;
  end: number;
  /** Longest time a unit's lines stretch after its start (kept inside the window). */
  span?: number;
  warp?: (u: number) => number;
  unit: (t: number, ctx: SlotCtx, index: number) => void;
}

/** Assembles an incident from labels and unit streams; the planned lines are exact by construction. */
export class IncidentBuilder {
  private labels: LabelDraft[] = [];
  private streams: (StreamSpec & { times: OrderedTimes; next: number; index: number })[] = [];

  constructor(private readonly ctx: PlanCtx) {}

  label(
    source: LogSource,
    entity: EntityRef,
    start: number,
    end: number,
    description: string,
    targets?: Record<string, string | number>,
  ): string {
    const id = `${this.ctx.id}:${source}`;
    this.labels.push({ id, source, entity, start, end, description, targets, plannedLines: 0 });
    return id;
  }

  stream(spec: StreamSpec): this {
    if (spec.units <= 0) return this;
    const last = Math.max(spec.start + 1, spec.end - (spec.span ?? 0) - SECOND);
    const times = new OrderedTimes(
      spec.units,
      spec.start,
      last,
      this.ctx.rng.fork(`times:${this.streams.length}`),
      spec.warp,
    );
    this.streams.push({ ...spec, times, next: times.next(), index: 0 });
    const draft = this.labels.find((l) => l.id === spec.label);
    if (!draft) throw new Error(`stream for unknown label ${spec.label}`);
    draft.plannedLines += spec.units * spec.linesPerUnit;
    return this;
  }

  build(type: AnomalyType, start: number, end: number): Incident {
    const { ctx } = this;
    const rng = ctx.rng.fork('emit');
    const streams = this.streams;
    const lines: Partial<Record<LogSource, number>> = {};
    for (const l of this.labels) lines[l.source] = (lines[l.source] ?? 0) + l.plannedLines;
    return {
      id: ctx.id,
      lines,
      type,
      variant: ctx.variant,
      intensity: ctx.intensity,
      start,
      end,
      labels: this.labels,
      emitUntil(until: number, sink: Sink) {
        const slot: SlotCtx = { world: ctx.world, overlays: ctx.overlays, rng, start, end: until, sink };
        for (const s of streams) {
          while (!Number.isNaN(s.next) && s.next < until) {
            const counted = countingSink(sink, s.source);
            s.unit(Math.floor(s.next), { ...slot, sink: counted }, s.index++);
            if (counted.n !== s.linesPerUnit) {
              throw new Error(
                `injector bug: ${ctx.id} unit wrote ${counted.n} ${s.source} lines, planned ${s.linesPerUnit}`,
              );
            }
            s.next = s.times.next();
          }
        }
      },
    };
  }
}

function countingSink(sink: Sink, source: LogSource): Sink & { n: number } {
  const c = {
    n: 0,
    push(r: Parameters<Sink['push']>[0]) {
      if (r.source !== source) throw new Error(`injector bug: ${source} stream wrote a ${r.source} line`);
      c.n++;
      sink.push(r);
    },
  };
  return c;
}

/** Arrival shapes: most incidents ramp up and fade rather than arriving uniformly. */
export const warps = {
  uniform: (u: number) => u,
  /** Dense in the middle (a burst). */
  burst: (u: number) => 0.5 + 0.5 * Math.sign(2 * u - 1) * Math.abs(2 * u - 1) ** 1.8,
  /** Front-loaded (a flood that is mitigated). */
  decay: (u: number) => u ** 1.6,
};
