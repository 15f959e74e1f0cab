import {
  type LambdaCtx,
  lambdaEnd,
  lambdaLog,
  lambdaReport,
  lambdaRuntimeExit,
  lambdaStart,
  lambdaTimeout,
} from '../format/lambda.ts';
import type { Rng } from '../rng.ts';
import { slashDate } from '../time.ts';
import type { Sink } from '../types.ts';
import type { LambdaFn } from '../world/index.ts';

/** How an invocation ends. */
export type InvocationFate = 'ok' | 'error' | 'timeout' | 'oom';

export interface Invocation {
  fn: LambdaFn;
  t: number;
  fate: InvocationFate;
  cold: boolean;
  /** Application log lines between START and END (0..3). */
  logs: number;
  /** Scales the duration (a slow dependency) and the memory (a leak, a big payload). */
  slow?: number;
  memFactor?: number;
  label?: string;
}

const INFO: Record<string, string[]> = {
  'orders-api': [
    'GET /orders/{id} 200',
    'POST /orders 201 created order',
    'cache miss for customer profile, fetched from DynamoDB',
    'GET /orders?status=open 200',
  ],
  'auth-authorizer': ['token verified for subject', 'policy cached, allow execute-api:Invoke', 'JWKS keys refreshed'],
  'image-resize': [
    'Processing s3://acme-customer-data/uploads/',
    'Resized to 3 renditions (320, 800, 1600)',
    'Wrote thumbnails to acme-web-assets/img/products/',
  ],
  'nightly-report': [
    'Generating sales report for previous day',
    'Queried 18 partitions from curated/orders',
    'Report written to s3://acme-data-lake/athena-results/reports/',
  ],
  'etl-transform': ['Transforming batch from raw/orders/', 'Wrote 5000 rows to curated/orders/', 'Checkpoint saved'],
};

const ERRORS: Record<string, string[]> = {
  node: [
    'Invoke Error \t{"errorType":"TypeError","errorMessage":"Cannot read properties of undefined (reading \'sku\')","stack":["TypeError: Cannot read properties of undefined (reading \'sku\')","    at Runtime.handler (file:///var/task/index.mjs:42:31)"]}',
    'Invoke Error \t{"errorType":"ConditionalCheckFailedException","errorMessage":"The conditional request failed","stack":["ConditionalCheckFailedException: The conditional request failed"]}',
    'Invoke Error \t{"errorType":"Error","errorMessage":"connect ETIMEDOUT 10.0.21.12:5432","stack":["Error: connect ETIMEDOUT 10.0.21.12:5432","    at TCPConnectWrap.afterConnect [as oncomplete] (node:net:1607:16)"]}',
  ],
  python: [
    "KeyError: 'order_id'",
    'botocore.exceptions.ClientError: An error occurred (SlowDown) when calling the PutObject operation (reached max retries: 4): Please reduce your request rate.',
    'PIL.UnidentifiedImageError: cannot identify image file <_io.BytesIO object at 0x7f3a2c1e5f30>',
  ],
};

/**
 * Execution environments: one log stream per container, reused while warm. A container idle for more than
 * 10 minutes is gone (Lambda reclaims idle environments), so the next invocation is a cold start on a new stream.
 */
export class Containers {
  private streams = new Map<string, { stream: string; lastUse: number }>();

  /** Whether an invocation at t finds a warm container (caller may still force a cold start). */
  warm(fn: string, t: number): boolean {
    const c = this.streams.get(fn);
    return c !== undefined && t >= c.lastUse && t - c.lastUse < 10 * 60_000;
  }

  stream(fn: string, t: number, cold: boolean, rng: Rng): string {
    let c = this.streams.get(fn);
    if (!c || cold) {
      c = { stream: `${slashDate(t)}/[$LATEST]${rng.hex(32)}`, lastUse: t };
      this.streams.set(fn, c);
    }
    c.lastUse = Math.max(c.lastUse, t);
    return c.stream;
  }
}

function duration(inv: Invocation, rng: Rng): number {
  const fn = inv.fn;
  if (inv.fate === 'timeout') return fn.timeoutS * 1000 + rng.range(0.5, 30);
  const d = rng.logNormal(fn.durMedianMs, fn.durSigma) * (inv.slow ?? 1);
  return Math.min(fn.timeoutS * 1000 * 0.97, d);
}

/** START, app logs, the ending (error / timeout / OOM line), END, REPORT. Returns the lines written. */
export function emitInvocation(inv: Invocation, containers: Containers, rng: Rng, sink: Sink): number {
  const fn = inv.fn;
  const python = fn.runtime.startsWith('python');
  const c: LambdaCtx = { fn: fn.name, stream: containers.stream(fn.name, inv.t, inv.cold, rng), requestId: rng.uuid() };
  const init = inv.cold ? rng.range(fn.initMs[0], fn.initMs[1]) : undefined;
  const dur = duration(inv, rng);
  const t0 = Math.floor(inv.t + (init ?? 0));
  let n = 0;
  const push = (r: ReturnType<typeof lambdaStart>) => {
    sink.push(r);
    n++;
  };
  push(lambdaStart(c, t0, rng, inv.label));
  for (let i = 0; i < inv.logs; i++) {
    const at = t0 + Math.floor(((i + 1) / (inv.logs + 2)) * dur);
    const warn = rng.chance(0.04);
    push(
      lambdaLog(
        c,
        at,
        python,
        warn ? 'WARN' : 'INFO',
        warn ? 'retrying downstream call (attempt 2)' : rng.pick(INFO[fn.name] ?? INFO['orders-api']),
        rng,
        inv.label,
      ),
    );
  }
  const end = t0 + Math.floor(dur);
  let maxMem = Math.min(
    fn.memoryMb - 1,
    Math.round((fn.memBaseMb + rng.float() * fn.memSpreadMb) * (inv.memFactor ?? 1)),
  );
  if (inv.fate === 'error') {
    push(lambdaLog(c, end, python, 'ERROR', rng.pick(python ? ERRORS.python : ERRORS.node), rng, inv.label));
  } else if (inv.fate === 'timeout') {
    push(lambdaTimeout(c, end, fn.timeoutS, rng, inv.label));
  } else if (inv.fate === 'oom') {
    maxMem = fn.memoryMb;
    push(lambdaRuntimeExit(c, end, true, rng, inv.label));
  }
  push(lambdaEnd(c, end + 1, rng, inv.label));
  const status = inv.fate === 'timeout' ? 'timeout' : inv.fate === 'oom' ? 'error' : undefined;
  push(
    lambdaReport(
      c,
      end + 1,
      { durationMs: dur, memoryLimitMb: fn.memoryMb, maxMemoryMb: Math.max(20, maxMem), initMs: init, status },
      rng,
      inv.label,
    ),
  );
  return n;
}

/** Lines an invocation will write, so a caller can fit it to a budget before drawing it. */
export function invocationLines(fate: InvocationFate, logs: number): number {
  return 3 + logs + (fate === 'ok' ? 0 : 1);
}
