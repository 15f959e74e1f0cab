import { LAMBDA_ACTIONS as L } from '../../schema/actions.ts';
import type { LogEvent, Outcome } from '../../schema/event.ts';
import type { Rng } from '../rng.ts';
import { isoMs } from '../time.ts';
import type { Attrs, SynthRecord } from '../types.ts';
import { files } from './files.ts';
import { withLabel } from './samples.ts';

/** Where a Lambda line goes and who wrote it: function, log stream (execution environment), request id. */
export interface LambdaCtx {
  fn: string;
  stream: string;
  requestId: string;
}

interface Meaning {
  action: string;
  outcome: Outcome;
  message?: string;
  durationMs?: number;
  memoryMb?: number;
  memoryLimitMb?: number;
  attrs?: Attrs;
}

/** A CloudWatch Logs event as FilterLogEvents returns it, one JSON object per line. */
function record(c: LambdaCtx, ts: number, text: string, m: Meaning, rng: Rng, label?: string): SynthRecord {
  const line = JSON.stringify({
    logGroupName: `/aws/lambda/${c.fn}`,
    logStreamName: c.stream,
    timestamp: ts,
    message: text,
    ingestionTime: ts + rng.int(40, 2500),
    eventId: rng.digits(56),
  });
  const event: LogEvent = {
    ts,
    source: 'lambda',
    resource: c.fn,
    action: m.action,
    outcome: m.outcome,
    attrs: { requestId: c.requestId, logStream: c.stream, ...m.attrs },
    raw: line,
  };
  // Log lines carry the application text; START/END/REPORT and runtime lines carry the whole CloudWatch message.
  event.message = m.message ?? text;
  if (m.durationMs !== undefined) event.durationMs = m.durationMs;
  if (m.memoryMb !== undefined) event.memoryMb = m.memoryMb;
  if (m.memoryLimitMb !== undefined) event.memoryLimitMb = m.memoryLimitMb;
  return withLabel({ source: 'lambda', file: files.lambda(c.fn), line, event }, label);
}

export function lambdaStart(c: LambdaCtx, ts: number, rng: Rng, label?: string) {
  return record(
    c,
    ts,
    `START RequestId: ${c.requestId} Version: $LATEST`,
    { action: L.start, outcome: 'unknown', attrs: { version: '$LATEST' } },
    rng,
    label,
  );
}

export function lambdaEnd(c: LambdaCtx, ts: number, rng: Rng, label?: string) {
  return record(c, ts, `END RequestId: ${c.requestId}`, { action: L.end, outcome: 'unknown' }, rng, label);
}

export interface ReportValues {
  durationMs: number;
  memoryLimitMb: number;
  maxMemoryMb: number;
  initMs?: number;
  status?: 'timeout' | 'error';
}

/**
 * REPORT line. Billed duration is the duration rounded up to the millisecond (Lambda bills per 1 ms since 2020).
 * Max Memory Used equal to Memory Size means the limit was hit: the contract maps that to lambda.oom.
 */
export function lambdaReport(c: LambdaCtx, ts: number, v: ReportValues, rng: Rng, label?: string) {
  const duration = Math.round(v.durationMs * 100) / 100;
  const billed = Math.ceil(duration);
  const init = v.initMs === undefined ? undefined : Math.round(v.initMs * 100) / 100;
  let text = `REPORT RequestId: ${c.requestId}\tDuration: ${duration.toFixed(2)} ms\tBilled Duration: ${billed} ms\tMemory Size: ${v.memoryLimitMb} MB\tMax Memory Used: ${v.maxMemoryMb} MB`;
  if (init !== undefined) text += `\tInit Duration: ${init.toFixed(2)} ms`;
  if (v.status) text += `\tStatus: ${v.status}`;
  const oom = v.maxMemoryMb >= v.memoryLimitMb;
  const attrs: Attrs = { billedMs: billed };
  if (init !== undefined) attrs.initMs = init;
  return record(
    c,
    ts,
    text,
    {
      action: oom ? L.outOfMemory : L.report,
      outcome: oom || v.status ? 'failure' : 'success',
      durationMs: duration,
      memoryMb: v.maxMemoryMb,
      memoryLimitMb: v.memoryLimitMb,
      attrs,
    },
    rng,
    label,
  );
}

/** Application log line in the runtime's own format: Node `ISO\tid\tLEVEL\tmsg`, Python `[LEVEL]\tISO\tid\tmsg`. */
export function lambdaLog(
  c: LambdaCtx,
  ts: number,
  python: boolean,
  level: 'INFO' | 'WARN' | 'ERROR',
  msg: string,
  rng: Rng,
  label?: string,
) {
  const pyLevel = level === 'WARN' ? 'WARNING' : level;
  // attrs.level is normalised (Python's WARNING is WARN), the line keeps the runtime's spelling.
  const text = python
    ? `[${pyLevel}]\t${isoMs(ts)}\t${c.requestId}\t${msg}`
    : `${isoMs(ts)}\t${c.requestId}\t${level}\t${msg}`;
  const isError = level === 'ERROR';
  return record(
    c,
    ts,
    text,
    {
      action: isError ? L.error : L.log,
      outcome: isError ? 'failure' : 'unknown',
      message: msg,
      attrs: { level },
    },
    rng,
    label,
  );
}

export function lambdaTimeout(c: LambdaCtx, ts: number, timeoutS: number, rng: Rng, label?: string) {
  return record(
    c,
    ts,
    `${isoMs(ts)} ${c.requestId} Task timed out after ${timeoutS.toFixed(2)} seconds`,
    { action: L.timeout, outcome: 'failure', attrs: { timeoutS } },
    rng,
    label,
  );
}

/** The runtime killed for exceeding memory, or exiting on a crash: `RequestId: id Error: Runtime exited ...`. */
export function lambdaRuntimeExit(c: LambdaCtx, ts: number, killed: boolean, rng: Rng, label?: string) {
  const text = killed
    ? `RequestId: ${c.requestId} Error: Runtime exited with error: signal: killed`
    : `RequestId: ${c.requestId} Error: Runtime exited with error: exit status 1`;
  return record(c, ts, text, { action: killed ? L.outOfMemory : L.error, outcome: 'failure' }, rng, label);
}
