import { describe, expect, it } from 'vitest';
import { LambdaParser } from './lambda.ts';
import type { ParseResult } from './types.ts';

const ctx = { file: 't', line: 1 };

function ok(r: ParseResult) {
  if (!r.ok) throw new Error(JSON.stringify(r));
  return r.event;
}

function event(message: string, extra: Record<string, unknown> = {}) {
  return JSON.stringify({
    logGroupName: '/aws/lambda/orders-api',
    logStreamName: '2025/03/01/[$LATEST]0123456789abcdef0123456789abcdef',
    timestamp: 1740830400000,
    message,
    ingestionTime: 1740830400500,
    eventId: '1',
    ...extra,
  });
}

describe('Lambda CloudWatch Logs events', () => {
  it('START / END carry the request id; resource is the function', () => {
    const p = new LambdaParser();
    const s = ok(p.parse(event('START RequestId: 4ce9340a-b765-490f-ad8a-02ab3415e2bf Version: $LATEST\n'), ctx));
    expect(s).toMatchObject({
      ts: 1740830400000,
      source: 'lambda',
      action: 'lambda.start',
      resource: 'orders-api',
      attrs: {
        requestId: '4ce9340a-b765-490f-ad8a-02ab3415e2bf',
        version: '$LATEST',
        logStream: '2025/03/01/[$LATEST]0123456789abcdef0123456789abcdef',
      },
    });
    expect(ok(p.parse(event('END RequestId: abc\n'), ctx)).action).toBe('lambda.end');
  });

  it('REPORT with tabs or spaces, init duration, status and OOM', () => {
    const p = new LambdaParser();
    const r = ok(
      p.parse(
        event(
          'REPORT RequestId: d1\tDuration: 4157.16 ms\tBilled Duration: 4200 ms\tMemory Size: 256 MB\tMax Memory Used: 99 MB\tInit Duration: 841.60 ms\t\n',
        ),
        ctx,
      ),
    );
    expect(r).toMatchObject({
      action: 'lambda.report',
      outcome: 'success',
      durationMs: 4157.16,
      memoryLimitMb: 256,
      memoryMb: 99,
      attrs: { requestId: 'd1', billedMs: 4200, initMs: 841.6 },
    });
    const spaced = ok(
      p.parse(
        event(
          'REPORT RequestId: 57f2  Duration: 79.67 ms      Billed Duration: 80 ms         Memory Size: 128 MB     Max Memory Used: 73 MB',
        ),
        ctx,
      ),
    );
    expect(spaced).toMatchObject({ durationMs: 79.67, memoryLimitMb: 128, memoryMb: 73, attrs: { billedMs: 80 } });
    const initFirst = ok(
      p.parse(
        event(
          'REPORT RequestId: f8ac Init Duration: 48.26 ms   Duration: 237.17 ms   Billed Duration: 300 ms   Memory Size: 128 MB   Max Memory Used: 26 MB',
        ),
        ctx,
      ),
    );
    expect(initFirst).toMatchObject({ durationMs: 237.17, attrs: { initMs: 48.26, billedMs: 300 } });
    const timeout = ok(
      p.parse(
        event(
          'REPORT RequestId: x\tDuration: 3000.00 ms\tBilled Duration: 3000 ms\tMemory Size: 128 MB\tMax Memory Used: 60 MB\tStatus: timeout',
        ),
        ctx,
      ),
    );
    expect(timeout.outcome).toBe('failure');
    const oom = ok(
      p.parse(
        event(
          'REPORT RequestId: x\tDuration: 900 ms\tBilled Duration: 900 ms\tMemory Size: 128 MB\tMax Memory Used: 128 MB',
        ),
        ctx,
      ),
    );
    expect(oom).toMatchObject({ action: 'lambda.oom', outcome: 'failure' });
  });

  it('timeouts, errors and application levels', () => {
    const p = new LambdaParser();
    const t = ok(p.parse(event('2025-03-01T12:00:03.000Z 4ce9 Task timed out after 3.00 seconds\n'), ctx));
    expect(t).toMatchObject({ action: 'lambda.timeout', outcome: 'failure', attrs: { timeoutS: 3 } });
    const e = ok(
      p.parse(event('2025-03-01T12:00:03.000Z\t4ce9\tERROR\tInvoke Error {"errorType":"TypeError"}\n'), ctx),
    );
    expect(e).toMatchObject({
      action: 'lambda.error',
      message: 'Invoke Error {"errorType":"TypeError"}',
      attrs: { level: 'ERROR', requestId: '4ce9' },
    });
    const info = ok(p.parse(event('2025-03-01T12:00:03.000Z\t4ce9\tINFO\tprocessed 12 orders\n'), ctx));
    expect(info).toMatchObject({
      action: 'lambda.log',
      outcome: 'unknown',
      message: 'processed 12 orders',
      attrs: { level: 'INFO' },
    });
    const py = ok(p.parse(event('[ERROR]\t2025-03-01T12:00:03.000Z\t4ce9\tKeyError: x\n'), ctx));
    expect(py).toMatchObject({ action: 'lambda.error', attrs: { level: 'ERROR' } });
    expect(
      ok(p.parse(event('RequestId: 4ce9 Error: Runtime exited with error: signal: killed\nRuntime.ExitError'), ctx))
        .action,
    ).toBe('lambda.oom');
    expect(ok(p.parse(event('RequestId: x Process exited before completing request'), ctx)).action).toBe(
      'lambda.error',
    );
    expect(ok(p.parse(event('Unable to import module: Runtime.ImportModuleError'), ctx)).action).toBe('lambda.error');
  });

  it('JSON log format platform events', () => {
    const p = new LambdaParser();
    const rep = JSON.stringify({
      time: '2025-03-01T12:00:00.000Z',
      type: 'platform.report',
      record: {
        requestId: 'r1',
        status: 'success',
        metrics: { durationMs: 12.5, billedDurationMs: 13, memorySizeMB: 128, maxMemoryUsedMB: 70 },
      },
    });
    expect(ok(p.parse(event(rep), ctx))).toMatchObject({ action: 'lambda.report', durationMs: 12.5, memoryMb: 70 });
  });

  it('aws logs tail text and bare messages, with the time carried forward', () => {
    const p = new LambdaParser('lambda/orders-api.jsonl', 1_700_000_000_000);
    const a = ok(
      p.parse('2025-03-01T12:00:00.123000+00:00 2025/03/01/[$LATEST]abc START RequestId: r1 Version: $LATEST', ctx),
    );
    expect(a).toMatchObject({
      ts: Date.UTC(2025, 2, 1, 12, 0, 0, 123),
      action: 'lambda.start',
      resource: 'orders-api',
    });
    expect(a.attrs?.logStream).toBe('2025/03/01/[$LATEST]abc');
    const b = ok(p.parse('END RequestId: r1', ctx));
    expect(b).toMatchObject({ ts: a.ts, action: 'lambda.end', attrs: { tsFrom: 'previous' } });
    const q = new LambdaParser(undefined, undefined);
    expect(q.parse('END RequestId: r1', ctx)).toMatchObject({ ok: false, error: { code: 'bad_time' } });
  });

  it('names bad events', () => {
    const p = new LambdaParser();
    expect(p.parse('{"message": 1, "timestamp": 1}', ctx)).toMatchObject({ error: { field: 'message' } });
    expect(p.parse('{"message": "x", "timestamp": "soon"}', ctx)).toMatchObject({ error: { field: 'timestamp' } });
    expect(p.parse('{"message": ', ctx)).toMatchObject({ error: { code: 'bad_json' } });
  });
});
