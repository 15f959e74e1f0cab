import { customerWeight, dailyWindow, deployActivity } from '../activity.ts';
import { emitFromActors } from '../engine/budget.ts';
import type { Actor, NormalSource, SlotCtx } from '../engine/types.ts';
import { lambdaLog } from '../format/lambda.ts';
import type { LambdaFn, World } from '../world/index.ts';
import { Containers, emitInvocation, type InvocationFate, invocationLines } from './lambda-invoke.ts';

function rate(world: World, fn: LambdaFn, t: number): number {
  switch (fn.trigger) {
    case 'api':
      return customerWeight(world, t) * 2.2;
    case 'authorizer':
      return customerWeight(world, t) * 3;
    case 's3':
      return customerWeight(world, t) * 0.5;
    case 'schedule':
      return 0; // normal/schedules.ts runs it on its clock
    case 'etl':
      return dailyWindow(t, 1, 4) * 2.5 + 0.02;
  }
}

const COLD: Record<LambdaFn['trigger'], number> = { api: 0.12, authorizer: 0.05, s3: 0.45, schedule: 1, etl: 0.35 };

/**
 * Normal invocations: mostly fine, with the background error and timeout rates real functions show. While a
 * timeout / memory / error incident overlays the function, a share of its normal invocations fail that way too.
 */
function fnActor(world: World, fn: LambdaFn, containers: Containers): Actor {
  return {
    weight: (t) => rate(world, fn, t),
    emit(t, max, ctx) {
      const r = ctx.rng;
      const overlay = ctx.overlays.lambdaAt(fn.name, t);
      let fate: InvocationFate = r.chance(0.004) ? 'error' : r.chance(0.0008) ? 'timeout' : 'ok';
      let label: string | undefined;
      let memFactor = 1;
      let slow = 1;
      // Only invocations that finish inside the incident window take its label.
      const fits = overlay !== undefined && t + fn.timeoutS * 1000 + fn.initMs[1] + 2000 < overlay.end;
      if (overlay && fits && r.chance(overlay.p)) {
        label = overlay.label;
        if (overlay.kind === 'timeout') fate = 'timeout';
        else if (overlay.kind === 'errors') fate = 'error';
        else {
          memFactor = fn.memoryMb / (fn.memBaseMb + fn.memSpreadMb);
          fate = r.chance(0.6) ? 'oom' : 'ok';
        }
        slow = 2;
      }
      const logs = Math.min(r.weighted([0.45, 0.35, 0.15, 0.05]), Math.max(0, max - invocationLines(fate, 0)));
      if (invocationLines(fate, logs) > max) return 0;
      const cold = !containers.warm(fn.name, t) || r.chance(Math.max(COLD[fn.trigger], deployActivity(world, t) * 0.7));
      return emitInvocation({ fn, t, fate, cold, logs, label, memFactor, slow }, containers, r, ctx.sink);
    },
  };
}

export function lambdaSource(world: World): NormalSource {
  const containers = new Containers();
  const actors = world.functions.map((fn) => fnActor(world, fn, containers));
  const longRunning = world.functions.filter((f) => f.trigger === 'etl' || f.trigger === 'schedule');
  const filler: Actor = {
    weight: () => 1,
    // A progress line of a long job: the sample holds lines of invocations whose START fell outside it.
    emit(t, _max, ctx: SlotCtx) {
      const fn = ctx.rng.pick(longRunning.length ? longRunning : world.functions);
      const c = { fn: fn.name, stream: containers.stream(fn.name, t, false, ctx.rng), requestId: ctx.rng.uuid() };
      ctx.sink.push(
        lambdaLog(
          c,
          Math.floor(t),
          fn.runtime.startsWith('python'),
          'INFO',
          `progress: batch ${ctx.rng.int(2, 40)} of 40 done`,
          ctx.rng,
        ),
      );
      return 1;
    },
  };
  return {
    source: 'lambda',
    weight: (t) => actors.reduce((s, a) => s + a.weight(t), 0),
    emit: (ctx, count, slack) => emitFromActors(actors, filler, ctx, count, slack),
  };
}
