import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AgentMetrics } from '../../agent/src/metrics/agent-metrics.ts';
import { ModelSlot } from '../../agent/src/pipeline/model-slot.ts';
import { Pipeline } from '../../agent/src/pipeline/pipeline.ts';
import { FileSource } from '../../agent/src/sources/file/file-source.ts';
import { StateDb } from '../../agent/src/state/index.ts';
import { FeatureEngine } from '../../models/src/features/engine.ts';
import { waitFor } from './support/agent-process.ts';
import { failedPassword } from './support/syslog-lines.ts';
import { testBundle } from './support/test-bundle.ts';

/*
 * The real tailer feeding the real pipeline while decisions cannot be committed (as when the spool is full): the
 * tailer must stop at its unacked-batch bound and report lag, and once commits succeed again every line is
 * processed exactly once.
 */
let root: string;
let bundle: string;
beforeAll(async () => {
  bundle = await testBundle();
  root = mkdtempSync(path.join(tmpdir(), 'vigil-bp-'));
  mkdirSync(path.join(root, 'var/log'), { recursive: true });
}, 60_000);
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('backpressure', () => {
  it('pauses the tailer at its bound while nothing can be committed, then catches up without loss', async () => {
    const log = path.join(root, 'var/log/auth.log');
    const now = Date.now();
    writeFileSync(
      log,
      `${Array.from({ length: 5000 }, (_, i) => failedPassword(now, 'web-1', 'root', `192.0.2.${i % 200}`, i)).join('\n')}\n`,
    );
    const db = StateDb.open(path.join(root, 'state/agent.db'));
    const engine = new FeatureEngine({ maxEntities: 1000 });
    const slot = new ModelSlot({ expectedFeatureHash: engine.schema.hash });
    await slot.loadFirst([bundle]);
    let blocked = true;
    let commits = 0;
    const pipeline = new Pipeline(
      {
        host: 'web-1',
        decisionIntervalMs: 20,
        lateGraceMs: 10_000,
        maxFutureSkewMs: 300_000,
        evidenceLines: 4,
        topFeatures: 4,
        maxHeldBatches: 2,
      },
      {
        engine,
        slot,
        metrics: new AgentMetrics(),
        commit: (_a, batches) => {
          if (blocked) throw new Error('spool full (test)');
          db.transaction(() => {
            for (const b of batches) b.ack();
          });
          commits++;
        },
        onAnomalies: () => {},
      },
    );
    const src = new FileSource(
      {
        type: 'file',
        id: 'files',
        root,
        startAt: 'beginning',
        batchMaxLines: 100,
        maxInFlightBatches: 4,
        pollIntervalMs: 50,
      },
      { checkpoints: db.checkpoints },
    );
    pipeline.start();
    await src.start(pipeline);
    try {
      await waitFor('the tailer to pause', async () => src.stats().paused && src.stats().inFlightBatches === 4);
      await new Promise((r) => setTimeout(r, 200));
      const held = src.stats();
      expect(held.counters.lines).toBe(400); // 4 batches of 100, then it stopped reading
      expect(held.counters.lagBytes).toBe(statSync(log).size);
      expect(pipeline.stats().commitFailing).toBe('spool full (test)');
      blocked = false;
      await waitFor('everything acked', async () => src.stats().counters.lagBytes === 0);
      expect(pipeline.stats()).toMatchObject({ lines: 5000, events: 5000, commitFailing: null });
      expect(commits).toBeGreaterThan(0);
    } finally {
      await src.stop();
      await pipeline.stop();
      await slot.close();
      db.close();
    }
  });
});
