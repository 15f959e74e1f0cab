import { dailyWindow, inMaintenance } from '../activity.ts';
import { emitFromActors } from '../engine/budget.ts';
import type { Actor, DiskOverlay, NormalSource, SlotCtx } from '../engine/types.ts';
import { diskRecord } from '../format/samples.ts';
import { hash32 } from '../rng.ts';
import { DAY, HOUR } from '../time.ts';
import type { Host, Mount, World } from '../world/index.ts';

/**
 * Normal used fraction of a mount: steady growth, weekly log rotation (sawtooth on /), the nightly database dump
 * staged on the data volume, the ETL scratch space on /data, apt caches in the maintenance window.
 */
export function normalUsedFrac(world: World, host: Host, m: Mount, t: number): number {
  const days = (t - world.startMs) / DAY;
  let f = m.baseFrac + m.growthPerDay * days;
  const hourOfDay = (((t % DAY) + DAY) % DAY) / HOUR;
  if (m.mount === '/') f += 0.03 * (((t / DAY + 3) % 7) / 7);
  if (m.mount === '/var/lib/postgresql' && hourOfDay >= 3 && hourOfDay < 4) f += 0.05 * (hourOfDay - 3);
  if (m.mount === '/data' && hourOfDay >= 1 && hourOfDay < 4) f += 0.12 * Math.min(1, (hourOfDay - 1) / 2);
  if (m.mount === '/' && inMaintenance(t)) f += 0.015;
  f += ((hash32(`${host.hostname}${m.mount}`, Math.floor(t / 600_000)) % 1000) / 1000 - 0.5) * 0.004;
  return Math.min(0.97, Math.max(0.02, f));
}

export function emitDiskSample(ctx: SlotCtx, host: Host, m: Mount, t: number, own?: DiskOverlay): void {
  const normal = normalUsedFrac(ctx.world, host, m, t);
  const overlay = own ?? ctx.overlays.diskAt(host.hostname, m.mount, t);
  const frac = overlay ? overlay.usedFrac(t, normal) : normal;
  ctx.sink.push(
    diskRecord(
      host.hostname,
      t,
      { mount: m.mount, fs: m.fs, sizeBytes: m.sizeBytes, usedBytes: frac * m.sizeBytes },
      overlay?.label,
    ),
  );
}

/** The sampler reports each mount on a cadence, more often while usage moves (backup and ETL windows). */
function mountActor(host: Host, m: Mount): Actor {
  return {
    weight: (t) =>
      1 +
      (m.mount === '/var/lib/postgresql' ? dailyWindow(t, 3, 4) * 4 : 0) +
      (m.mount === '/data' ? dailyWindow(t, 1, 4) * 2.5 : 0) +
      (m.mount === '/' && inMaintenance(t) ? 2 : 0),
    emit(t, _max, ctx) {
      emitDiskSample(ctx, host, m, Math.floor(t));
      return 1;
    },
  };
}

export function diskSource(world: World): NormalSource {
  const actors = world.hosts.flatMap((h) => h.mounts.map((m) => mountActor(h, m)));
  return {
    source: 'ec2.disk',
    weight: (t) => actors.reduce((s, a) => s + a.weight(t), 0),
    emit: (ctx, count, slack) => emitFromActors(actors, actors[0], ctx, count, slack),
  };
}
