import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FeatureEngine } from '../../../models/src/features/engine.ts';
import { type Anomaly, AnomalySchema, compileValidator } from '../../../models/src/schema/index.ts';
import { acceptedKey, failedPassword } from '../../../test/agent/support/syslog-lines.ts';
import { testBundle } from '../../../test/agent/support/test-bundle.ts';
import { AgentMetrics } from '../metrics/agent-metrics.ts';
import type { LineBatch, SourceBatch } from '../sources/source.ts';
import { ModelSlot } from './model-slot.ts';
import { Pipeline } from './pipeline.ts';

const checkAnomaly = compileValidator(AnomalySchema);
let bundleDir: string;
beforeAll(async () => {
  bundleDir = await testBundle();
}, 60_000);

function batch(lines: string[], firstLineNo: number, acks: number[]): LineBatch {
  return {
    type: 'lines',
    sourceId: 'file:/var/log/auth.log',
    kind: 'ec2.auth',
    path: '/var/log/auth.log',
    lines,
    firstLineNo,
    startOffset: 0,
    endOffset: 0,
    ack: () => acks.push(firstLineNo),
  };
}

async function setup(commit?: (a: Anomaly[], b: SourceBatch[]) => void) {
  const engine = new FeatureEngine({ maxEntities: 5000 });
  const slot = new ModelSlot({ expectedFeatureHash: engine.schema.hash });
  await slot.loadFirst([bundleDir]);
  const raised: Anomaly[] = [];
  const committed: Anomaly[] = [];
  const rejected: string[] = [];
  const p = new Pipeline(
    {
      host: 'web-1',
      decisionIntervalMs: 20,
      lateGraceMs: 10_000,
      maxFutureSkewMs: 300_000,
      evidenceLines: 4,
      topFeatures: 5,
    },
    {
      engine,
      slot,
      metrics: new AgentMetrics(),
      commit:
        commit ??
        ((a, b) => {
          committed.push(...a);
          for (const x of b) x.ack();
        }),
      onAnomalies: (a) => raised.push(...a),
      onRejected: (r) => rejected.push(`${r.file}:${r.line}:${r.code}`),
    },
  );
  p.start();
  return { p, slot, raised, committed, rejected };
}

const until = async (what: string, cond: () => boolean, ms = 5000) => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
};

describe('Pipeline', () => {
  let cleanup: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const c of cleanup) await c();
    cleanup = [];
  });

  it('raises one ssh_brute_force anomaly for the attacking IP from an open window, with evidence, and acks after deciding', async () => {
    const { p, slot, raised, committed } = await setup();
    cleanup.push(() => p.stop().then(() => slot.close()));
    const acks: number[] = [];
    const now = Date.now();
    p.write(batch([acceptedKey(now - 5000, 'web-1', 'alice', '10.0.1.10', 40000)], 1, acks));
    const attack = Array.from({ length: 120 }, (_, i) =>
      failedPassword(now - 4000 + i * 10, 'web-1', 'root', '203.0.113.7', 40001 + i),
    );
    p.write(batch(attack.slice(0, 60), 2, acks));
    p.write(batch(attack.slice(60), 62, acks));
    await until('anomaly', () => raised.length > 0 && acks.length === 3);
    p.write(batch(attack.slice(0, 10), 122, acks)); // same window: no second anomaly
    await until('ack', () => acks.length === 4);
    const ipAnomalies = raised.filter((a) => a.entity.kind === 'ip');
    expect(ipAnomalies).toHaveLength(1);
    const a = checkAnomaly(ipAnomalies[0], 'anomaly');
    expect(a).toMatchObject({
      type: 'ssh_brute_force',
      entity: { kind: 'ip', id: '203.0.113.7' },
      source: 'ec2.auth',
      host: 'web-1',
    });
    expect(a.score).toBeGreaterThanOrEqual(a.threshold);
    expect(a.evidence.targets).toMatchObject({ ip: '203.0.113.7' });
    expect(a.evidence.lines.length).toBeGreaterThan(0);
    expect(a.evidence.lines[0]).toContain('203.0.113.7');
    expect(a.evidence.topFeatures.length).toBeGreaterThan(0);
    expect(a.modelVersion).toBe(slot.current?.version);
    expect(committed.map((c) => c.id)).toContain(a.id);
    expect(p.stats()).toMatchObject({ lines: 131, parseErrors: 0 });
  });

  it('counts and reports rejected lines with file and line number, and keeps going', async () => {
    const { p, slot, rejected } = await setup();
    cleanup.push(() => p.stop().then(() => slot.close()));
    const acks: number[] = [];
    p.write(batch(['not a syslog line', '', failedPassword(Date.now(), 'web-1', 'root', '192.0.2.1', 1)], 10, acks));
    await until('ack', () => acks.length === 1);
    expect(rejected).toEqual(['/var/log/auth.log:10:bad_header']);
    expect(p.stats()).toMatchObject({ lines: 3, events: 1, parseErrors: 1, skipped: 1 });
  });

  it('keeps batches unacked while commit fails and retries the same anomalies', async () => {
    let fail = true;
    const committed: Anomaly[] = [];
    const { p, slot, raised } = await setup((a, b) => {
      if (fail) throw new Error('spool full');
      committed.push(...a);
      for (const x of b) x.ack();
    });
    cleanup.push(() => p.stop().then(() => slot.close()));
    const acks: number[] = [];
    const now = Date.now();
    const attack = Array.from({ length: 150 }, (_, i) =>
      failedPassword(now - 2000 + i, 'web-1', 'root', '203.0.113.9', 40001 + i),
    );
    p.write(batch(attack, 1, acks));
    await until('anomaly', () => raised.length > 0);
    await new Promise((r) => setTimeout(r, 100));
    expect(acks).toEqual([]);
    expect(p.stats().commitFailing).toBe('spool full');
    fail = false;
    await until('ack', () => acks.length === 1);
    expect(committed.map((a) => a.id).sort()).toEqual(raised.map((a) => a.id).sort());
  });

  it('hot-swaps the bundle while lines stream in, without dropping or double-counting a line; a broken bundle is refused', async () => {
    const { p, slot, raised } = await setup();
    cleanup.push(() => p.stop().then(() => slot.close()));
    const v2 = mkdtempSync(path.join(tmpdir(), 'vigil-v2-'));
    cpSync(bundleDir, v2, { recursive: true });
    const m = JSON.parse(readFileSync(path.join(v2, 'manifest.json'), 'utf8'));
    m.bundleVersion = '9.9.9';
    writeFileSync(path.join(v2, 'manifest.json'), JSON.stringify(m));
    const broken = mkdtempSync(path.join(tmpdir(), 'vigil-broken-'));
    cpSync(bundleDir, broken, { recursive: true });
    writeFileSync(path.join(broken, 'detector.onnx'), 'corrupt');
    const acks: number[] = [];
    const now = Date.now();
    let line = 1;
    const swaps: Promise<unknown>[] = [];
    for (let b = 0; b < 200; b++) {
      const lines = Array.from({ length: 50 }, (_, i) =>
        failedPassword(now - 3000 + i, 'web-1', 'root', `45.155.${b % 4}.${i % 3}`, line + i),
      );
      p.write(batch(lines, line, acks));
      line += 50;
      if (b === 60) swaps.push(slot.swapTo(v2));
      if (b === 120) swaps.push(slot.swapTo(broken));
      if (b % 20 === 0) await new Promise((r) => setTimeout(r, 5));
    }
    await until('all acked', () => acks.length === 200, 15_000);
    const [ok, bad] = (await Promise.all(swaps)) as { ok: boolean; error?: string }[];
    expect(ok).toMatchObject({ ok: true });
    expect(bad).toMatchObject({ ok: false, error: expect.stringMatching(/sha256/) });
    expect(slot.current?.version).toBe('9.9.9');
    expect(p.stats()).toMatchObject({ lines: 10_000, events: 10_000, parseErrors: 0 });
    expect(new Set(acks).size).toBe(200);
    expect(raised.length).toBeGreaterThan(0);
    expect(raised.every((a) => a.modelVersion === '0.0.1-test' || a.modelVersion === '9.9.9')).toBe(true);
  });
});
