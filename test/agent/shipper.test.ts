import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SPOOL_KIND } from '../../agent/src/pipeline/outbox.ts';
import { CW_LIMITS, planBatches } from '../../agent/src/shipper/batch.ts';
import { CloudWatchShipper } from '../../agent/src/shipper/cloudwatch.ts';
import { StateDb } from '../../agent/src/state/index.ts';
import { SpoolDrain } from '../../agent/src/uplink/spool-drain.ts';
import { clientConfig, type LocalAws, PUT_LIMITS, startLocalAws } from '../localaws/index.ts';

/*
 * The CloudWatch Logs shipper through the real @aws-sdk/client-cloudwatch-logs against the local JSON 1.1 stand-in,
 * which enforces PutLogEvents' documented limits: anything the shipper batches wrong is refused there.
 */
let aws: LocalAws;
let dir: string;
let db: StateDb;

beforeEach(async () => {
  aws = await startLocalAws({ services: ['logs'] });
  dir = mkdtempSync(path.join(tmpdir(), 'vigil-cw-'));
  db = StateDb.open(path.join(dir, 'agent.db'));
});
afterEach(async () => {
  db.close();
  await aws.close();
  rmSync(dir, { recursive: true, force: true });
});

function setup(client = new CloudWatchLogsClient({ ...clientConfig(aws), maxAttempts: 1 })) {
  const shipper = new CloudWatchShipper({ logGroup: '/vigil/agent', logStream: 'web-1', createGroup: true, client });
  const drain = new SpoolDrain(db.spool, [shipper], {
    intervalMs: 1000,
    baseMs: 20,
    capMs: 200,
    deadLetterFile: path.join(dir, 'dead.jsonl'),
  });
  return { shipper, drain };
}

const anomaly = (i: number, at: number, pad = 0) => ({
  id: `a${i}`,
  type: 'ssh_brute_force',
  detectedAt: at,
  pad: 'x'.repeat(pad),
});

async function drainAll(drain: SpoolDrain, ms = 10_000): Promise<void> {
  const until = Date.now() + ms;
  while (db.spool.stats().count > 0) {
    if (Date.now() > until) throw new Error(`spool not drained: ${db.spool.stats().count} left`);
    await drain.pass();
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('CloudWatch Logs shipper', () => {
  it('plans batches within every PutLogEvents limit', () => {
    const t0 = Date.UTC(2025, 2, 1);
    const many = Array.from({ length: 25_000 }, (_, i) => ({ timestamp: t0 + i, message: 'm', ref: i }));
    expect(planBatches(many).map((b) => b.length)).toEqual([10_000, 10_000, 5000]);
    const big = Array.from({ length: 9 }, (_, i) => ({ timestamp: t0, message: 'y'.repeat(200_000), ref: i }));
    const sizes = planBatches(big).map((b) => b.reduce((s, e) => s + Buffer.byteLength(e.message) + 26, 0));
    expect(Math.max(...sizes)).toBeLessThanOrEqual(CW_LIMITS.maxBatchBytes);
    const spread = [0, 23, 25, 26, 49].map((h) => ({ timestamp: t0 + h * 3600_000, message: 'z', ref: h }));
    expect(planBatches(spread.reverse()).map((b) => b.map((e) => e.ref))).toEqual([
      [0, 23],
      [25, 26, 49],
    ]);
    const huge = planBatches([{ timestamp: t0, message: `${'é'.repeat(300_000)}`, ref: 0 }])[0][0].message;
    expect(Buffer.byteLength(huge)).toBeLessThanOrEqual(CW_LIMITS.maxEventBytes);
    expect(huge.endsWith(' …[truncated]')).toBe(true);
  });

  it('ships anomalies and audit records in order, creating the group and stream, within the limits', async () => {
    const now = Date.now();
    for (let i = 0; i < 120; i++)
      db.spool.enqueue(SPOOL_KIND.cwAnomaly, `cwa:${i}`, anomaly(i, now - 60_000 + ((i * 7919) % 60_000), 9000));
    db.spool.enqueue(SPOOL_KIND.cwAudit, 'cwx:1', {
      id: 'x1',
      playbook: 'block-ip',
      finishedAt: now,
      why: 'ev\u001b[31mil',
    });
    const { shipper, drain } = setup();
    await drainAll(drain);
    const events = aws.state.logs.eventsOf('/vigil/agent', 'web-1');
    expect(events).toHaveLength(121);
    expect(shipper.sent).toBe(121);
    const puts = aws.calls.list('logs', 'PutLogEvents');
    expect(puts.length).toBeGreaterThanOrEqual(2); // 120 × ~9 KB does not fit one 1 MiB call
    expect(puts.every((c) => c.status === 200)).toBe(true);
    const audit = events.find((e) => e.message.includes('"kind":"action"'))!;
    expect(audit.message).toContain('ev\\u001b[31mil');
    expect(PUT_LIMITS.maxBatchBytes).toBe(CW_LIMITS.maxBatchBytes);
  });

  it('recovers from throttling: items stay spooled and are retried with backoff until accepted', async () => {
    const now = Date.now();
    for (let i = 0; i < 30; i++)
      db.spool.enqueue(SPOOL_KIND.cwAnomaly, `cwa:${i}`, anomaly(i, now - 7 * 3600_000 * (i % 5), 60_000));
    aws.faults.failNext({ service: 'logs', operation: 'PutLogEvents', count: 3, kind: 'Throttling' });
    const { shipper, drain } = setup();
    await drainAll(drain);
    expect(aws.state.logs.eventsOf('/vigil/agent', 'web-1')).toHaveLength(30);
    const puts = aws.calls.list('logs', 'PutLogEvents');
    expect(puts.filter((c) => c.errorCode === 'ThrottlingException')).toHaveLength(3);
    expect(shipper.sent).toBe(30);
  });

  it('dead-letters events the service rejects as too old or too new, and keeps the rest', async () => {
    const now = Date.now();
    db.spool.enqueue(SPOOL_KIND.cwAnomaly, 'cwa:old', anomaly(1, now - 20 * 86_400_000));
    db.spool.enqueue(SPOOL_KIND.cwAnomaly, 'cwa:ok', anomaly(2, now));
    db.spool.enqueue(SPOOL_KIND.cwAnomaly, 'cwa:new', anomaly(3, now + 3 * 3600_000));
    const { shipper, drain } = setup();
    await drainAll(drain);
    expect(aws.state.logs.eventsOf('/vigil/agent', 'web-1').map((e) => JSON.parse(e.message).id)).toEqual(['a2']);
    expect(shipper.rejected).toBe(2);
    const dead = readFileSync(path.join(dir, 'dead.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(dead.map((d) => [d.key, d.reason.match(/too old|future/)?.[0]])).toEqual([
      ['cwa:old', 'too old'],
      ['cwa:new', 'future'],
    ]);
  });
});
