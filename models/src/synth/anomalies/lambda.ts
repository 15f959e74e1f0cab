import type { AnomalyType } from '../../schema/anomaly.ts';
import type { Incident, Injector, PlanCtx } from '../engine/types.ts';
import { Containers, emitInvocation, type InvocationFate } from '../normal/lambda-invoke.ts';
import { HOUR, MINUTE } from '../time.ts';
import type { LambdaFn } from '../world/index.ts';
import { IncidentBuilder, sized, warps, windowAt } from './kit.ts';

function pickFn(ctx: PlanCtx, triggers: LambdaFn['trigger'][]): LambdaFn {
  const fns = ctx.world.functions.filter((f) => triggers.includes(f.trigger));
  return ctx.rng.pick(fns.length ? fns : ctx.world.functions);
}

interface Shape {
  triggers: LambdaFn['trigger'][];
  fate: InvocationFate;
  overlay?: 'timeout' | 'memory' | 'errors';
  units: [number, number, number];
  slowUnits: [number, number, number];
  hours: [number, number];
  slowHours: [number, number];
  logs: number;
  describe: (fn: LambdaFn, slow: boolean) => string;
  targets: (fn: LambdaFn) => Record<string, string | number>;
}

const SHAPES: Record<string, Shape> = {
  lambda_timeout: {
    triggers: ['api', 'authorizer', 's3', 'etl'],
    fate: 'timeout',
    overlay: 'timeout',
    units: [3, 12, 4],
    slowUnits: [2, 5, 3],
    hours: [0.3, 2],
    slowHours: [6, 24],
    logs: 1,
    describe: (fn, slow) =>
      `${fn.name} ${slow ? 'occasionally' : 'repeatedly'} hitting its ${fn.timeoutS}s timeout (slow downstream)`,
    targets: (fn) => ({ function: fn.name, timeoutS: fn.timeoutS }),
  },
  lambda_memory: {
    triggers: ['api', 's3', 'etl'],
    fate: 'oom',
    overlay: 'memory',
    units: [2, 11, 4],
    slowUnits: [2, 5, 3],
    hours: [0.5, 3],
    slowHours: [24, 72],
    logs: 1,
    describe: (fn, slow) => `${fn.name} reaching its ${fn.memoryMb} MB memory limit${slow ? ' (slow leak)' : ''}`,
    targets: (fn) => ({ function: fn.name, memoryMb: fn.memoryMb }),
  },
  lambda_errors: {
    triggers: ['api', 'authorizer', 's3', 'etl', 'schedule'],
    fate: 'error',
    overlay: 'errors',
    units: [4, 18, 5],
    slowUnits: [2, 6, 3],
    hours: [0.25, 1.5],
    slowHours: [12, 36],
    logs: 1,
    describe: (fn, slow) => `${fn.name} error ${slow ? 'rate creeping up' : 'burst after a bad release'}`,
    targets: (fn) => ({ function: fn.name }),
  },
  lambda_request_spike: {
    triggers: ['api', 'authorizer'],
    fate: 'ok',
    units: [12, 60, 10],
    slowUnits: [6, 21, 6],
    hours: [0.15, 1],
    slowHours: [4, 12],
    logs: 0,
    describe: (fn, slow) => `${slow ? 'sustained 2x' : 'sudden burst of'} requests to ${fn.name}`,
    targets: (fn) => ({ function: fn.name }),
  },
};

/** Errors right after a release are the usual story: anchor error bursts to the next deploy when one is near. */
function anchorToDeploy(ctx: PlanCtx): number {
  const next = ctx.world.deploys.find((d) => d >= ctx.anchor && d - ctx.anchor < 5 * 24 * HOUR);
  return next !== undefined ? next + 2 * MINUTE : ctx.anchor;
}

function plan(ctx: PlanCtx): Incident {
  const shape = SHAPES[ctx.type];
  const slow = ctx.variant === 'low_and_slow';
  const fn = pickFn(ctx, shape.triggers);
  const [lo, hi, floor] = slow ? shape.slowUnits : shape.units;
  const units = sized(ctx, lo, hi, floor);
  const [h0, h1] = slow ? shape.slowHours : shape.hours;
  if (ctx.type === 'lambda_errors' && !slow) ctx = { ...ctx, anchor: anchorToDeploy(ctx) };
  const span = fn.timeoutS * 1000 + fn.initMs[1] + 1000;
  const { start, end } = windowAt(ctx, Math.max(ctx.rng.range(h0, h1) * HOUR, 3 * span));
  const b = new IncidentBuilder(ctx);
  const label = b.label(
    'lambda',
    { kind: 'function', id: fn.name },
    start,
    end,
    shape.describe(fn, slow),
    shape.targets(fn),
  );
  if (shape.overlay)
    ctx.overlays.lambda.push({
      fn: fn.name,
      start,
      end,
      label,
      kind: shape.overlay,
      p: slow ? 0.15 : 0.4 + 0.5 * ctx.intensity,
    });
  const containers = new Containers();
  const lines = 3 + shape.logs + (shape.fate === 'ok' ? 0 : 1);
  b.stream({
    label,
    source: 'lambda',
    units,
    linesPerUnit: lines,
    start,
    end,
    span,
    warp: slow ? warps.uniform : warps.burst,
    unit(t, c, i) {
      emitInvocation(
        {
          fn,
          t,
          fate: shape.fate,
          cold: i === 0 || c.rng.chance(0.2),
          logs: shape.logs,
          label,
          slow: shape.fate === 'timeout' ? 3 : 1.4,
        },
        containers,
        c.rng,
        c.sink,
      );
    },
  });
  return b.build(ctx.type, start, end);
}

export const lambdaInjector: Injector = {
  types: ['lambda_timeout', 'lambda_memory', 'lambda_errors', 'lambda_request_spike'] satisfies AnomalyType[],
  lowAndSlow: ['lambda_timeout', 'lambda_memory', 'lambda_errors', 'lambda_request_spike'],
  plan,
};
