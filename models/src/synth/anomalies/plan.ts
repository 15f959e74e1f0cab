import { ANOMALY_TYPES, type AnomalyType } from '../../schema/anomaly.ts';
import { LOG_SOURCES, type LogSource } from '../../schema/event.ts';
import type { Variant } from '../../schema/label.ts';
import { sourceTargets } from '../engine/budget.ts';
import { type Incident, type Injector, Overlays } from '../engine/types.ts';
import { Rng } from '../rng.ts';
import type { World } from '../world/index.ts';
import { cloudtrailInjector } from './cloudtrail.ts';
import { crossInjector } from './cross.ts';
import { ec2Injector } from './ec2.ts';
import { lambdaInjector } from './lambda.ts';
import { s3Injector } from './s3.ts';
import { vpcInjector } from './vpc.ts';

export const INJECTORS: Injector[] = [
  ec2Injector,
  lambdaInjector,
  s3Injector,
  vpcInjector,
  cloudtrailInjector,
  crossInjector,
];

export function injectorFor(type: AnomalyType): Injector {
  const inj = INJECTORS.find((i) => i.types.includes(type));
  if (!inj) throw new Error(`no injector for ${type}`);
  return inj;
}

/** Largest share of a source's lines incidents may take before the planner shrinks them. */
const MAX_SHARE = 0.4;

interface Slot {
  type: AnomalyType;
  index: number;
  variant: Variant;
  intensity: number;
  anchor: number;
}

/**
 * Where and how strong each incident is: spread over the range in equal strata (so every time-split fold sees
 * each type), a configured share of low-and-slow variants, intensities drawn from the configured range.
 */
function schedule(world: World): Slot[] {
  const out: Slot[] = [];
  const { startMs, endMs } = world;
  for (const type of ANOMALY_TYPES) {
    const cfg = world.scenario.anomalies[type];
    const rng = new Rng(world.seed, `schedule:${type}`);
    const slowAllowed = injectorFor(type).lowAndSlow.includes(type);
    const slowCount = slowAllowed ? Math.round(cfg.count * cfg.lowAndSlowFraction) : 0;
    const slow = new Set(rng.shuffle(Array.from({ length: cfg.count }, (_, i) => i)).slice(0, slowCount));
    const stratum = (endMs - startMs) / Math.max(1, cfg.count);
    for (let i = 0; i < cfg.count; i++) {
      const isSlow = slow.has(i);
      const { min, max } = cfg.intensity;
      const intensity = isSlow ? Math.min(max, rng.range(0.05, 0.3)) : rng.range(min, max);
      out.push({
        type,
        index: i,
        variant: isSlow ? 'low_and_slow' : 'standard',
        intensity: Math.round(intensity * 1000) / 1000,
        anchor: startMs + stratum * (i + rng.range(0.05, 0.8)),
      });
    }
  }
  return out;
}

function planAll(
  world: World,
  slots: Slot[],
  scale: number,
  fit: number,
): { incidents: Incident[]; overlays: Overlays } {
  const overlays = new Overlays();
  const incidents = slots.map((s) => {
    const id = `${s.type}-${String(s.index + 1).padStart(3, '0')}`;
    return injectorFor(s.type).plan({
      world,
      overlays,
      rng: new Rng(world.seed, `incident:${id}`),
      id,
      type: s.type,
      variant: s.variant,
      intensity: s.intensity,
      anchor: s.anchor,
      scale: scale * fit,
      fit,
    });
  });
  return { incidents, overlays };
}

function reservedShare(world: World, incidents: Incident[]): { source: LogSource; share: number } {
  const target = sourceTargets(world.scenario.samples, world.scenario.mix);
  const reserved = Object.fromEntries(LOG_SOURCES.map((s) => [s, 0])) as Record<LogSource, number>;
  for (const inc of incidents) for (const l of inc.labels) reserved[l.source] += l.plannedLines;
  let worst = { source: LOG_SOURCES[0] as LogSource, share: 0 };
  for (const s of LOG_SOURCES) {
    const share = reserved[s] === 0 ? 0 : target[s] === 0 ? Number.POSITIVE_INFINITY : reserved[s] / target[s];
    if (share > worst.share) worst = { source: s, share };
  }
  return worst;
}

/**
 * Plan every incident. Sizes scale with the sample count (100,000 is the reference); when a small dataset cannot
 * hold them, sizes and floors shrink until no source gives more than 40% of its lines to incidents.
 */
export function planIncidents(world: World): { incidents: Incident[]; overlays: Overlays } {
  const slots = schedule(world);
  const scale = world.scenario.samples / 100_000;
  const known = new Set(world.pools.known);
  let result = planAll(world, slots, scale, 1);
  for (const fit of [0.6, 0.35, 0.2, 0.1, 0.05]) {
    if (reservedShare(world, result.incidents).share <= MAX_SHARE) break;
    world.pools.known = new Set(known);
    result = planAll(world, slots, scale, fit);
  }
  return result;
}
