import { sourceTargets } from '../engine/budget.ts';
import type { TimedEmitter } from '../engine/types.ts';
import { Rng } from '../rng.ts';
import { DAY, HOUR, SECOND } from '../time.ts';
import type { World } from '../world/index.ts';
import { Containers, emitInvocation } from './lambda-invoke.ts';

/** Lines one scheduled run writes: START, two progress logs, END, REPORT. */
const RUN_LINES = 5;
/** Largest share of the Lambda budget scheduled runs may take; sparser datasets run the job every k-th day. */
const MAX_SHARE = 0.12;

/**
 * Jobs that run on a clock rather than on demand: the EventBridge-scheduled Lambda functions fire once a day at
 * 06:00 UTC (a few seconds late, as EventBridge is). Their lines are reserved from the budget like an incident's.
 */
export function scheduledJobs(world: World): TimedEmitter[] {
  const fns = world.functions.filter((f) => f.trigger === 'schedule');
  if (!fns.length) return [];
  const firstDay = Math.ceil((world.startMs - 6 * HOUR) / DAY);
  const lastDay = Math.floor((world.endMs - 7 * HOUR) / DAY);
  const days = Math.max(0, lastDay - firstDay + 1);
  const budget = sourceTargets(world.scenario.samples, world.scenario.mix).lambda * MAX_SHARE;
  const every = Math.max(1, Math.ceil((days * RUN_LINES * fns.length) / Math.max(1, budget)));
  const runs = Math.floor((days + every - 1) / every);
  if (runs === 0) return [];
  return fns.map((fn) => {
    const rng = new Rng(world.seed, `schedule:${fn.name}`);
    const containers = new Containers();
    let k = 0;
    const runAt = (i: number) => (firstDay + i * every) * DAY + 6 * HOUR + (1 + (i % 7)) * SECOND;
    return {
      id: `schedule:${fn.name}`,
      start: runAt(0),
      end: runAt(runs - 1) + fn.timeoutS * SECOND + 2 * SECOND,
      lines: { lambda: runs * RUN_LINES },
      emitUntil(until, sink) {
        while (k < runs && runAt(k) < until) {
          emitInvocation({ fn, t: runAt(k), fate: 'ok', cold: true, logs: 2 }, containers, rng, sink);
          k++;
        }
      },
    };
  });
}
