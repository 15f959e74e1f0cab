import { inMaintenance } from '../activity.ts';
import { emitFromActors } from '../engine/budget.ts';
import type { Actor, NormalSource, ProcessOverlay, SlotCtx } from '../engine/types.ts';
import { loadRecord, type ProcSample, processRecord } from '../format/samples.ts';
import type { Host, World } from '../world/index.ts';
import { processDefs, sampleProcess } from './process-table.ts';

/**
 * One sampling round on a host: a load line and the top processes by CPU. During a miner incident the overlay's
 * process is part of what the sampler sees, and the round's lines about it carry the incident's label.
 */
export function emitRound(
  ctx: SlotCtx,
  host: Host,
  t: number,
  max: number,
  top: number,
  label?: string,
  own?: ProcessOverlay,
): number {
  const defs = processDefs(host);
  const seen: ProcSample[] = [];
  for (const d of defs) {
    const s = sampleProcess(ctx.world, host, d, t, ctx.rng);
    if (s) seen.push(s);
  }
  // An incident's own rounds name their overlay: another incident on the same host must not take its lines.
  const overlay = own ?? ctx.overlays.processAt(host.hostname, t);
  const extra = overlay ? overlay.procs(t) : [];
  // The sampler reports the top processes by CPU plus any process it watches (running from a world-writable path).
  const ranked = [...extra, ...seen.sort((a, b) => b.cpu - a.cpu).slice(0, top)].slice(0, Math.max(0, max - 1));
  const busy = seen.reduce((s, p) => s + p.cpu, 0) / 100 + extra.reduce((s, p) => s + p.cpu, 0) / 100;
  const load1 = busy * ctx.rng.logNormal(1, 0.15) + (inMaintenance(t) ? 0.4 : 0.02);
  const memUsed = Math.min(
    99,
    ((seen.reduce((s, p) => s + p.memMb, 0) + extra.reduce((s, p) => s + p.memMb, 0) + host.memMb * 0.12) /
      host.memMb) *
      100,
  );
  const tag = overlay ? (label ?? overlay.label) : label;
  ctx.sink.push(
    loadRecord(
      host.hostname,
      t,
      {
        load1,
        load5: load1 * ctx.rng.range(0.8, 1.05),
        load15: load1 * ctx.rng.range(0.7, 1),
        cpus: host.cpus,
        memUsedPct: memUsed,
      },
      tag,
    ),
  );
  const extraSet = new Set(extra);
  for (const p of ranked) {
    ctx.sink.push(processRecord(host.hostname, t, p, extraSet.has(p) ? (label ?? overlay?.label) : label));
  }
  return 1 + ranked.length;
}

function samplerActor(host: Host): Actor {
  return {
    weight: () => 1,
    emit(t, max, ctx) {
      return emitRound(ctx, host, Math.floor(t), max, ctx.rng.int(2, 4));
    },
  };
}

export function processSource(world: World): NormalSource {
  const actors = world.hosts.map(samplerActor);
  const filler: Actor = {
    weight: () => 1,
    emit: (t, _m, ctx) => emitRound(ctx, ctx.rng.pick(world.hosts), Math.floor(t), 1, 0),
  };
  return {
    source: 'ec2.process',
    weight: () => actors.length,
    emit: (ctx, count, slack) => emitFromActors(actors, filler, ctx, count, slack),
  };
}
