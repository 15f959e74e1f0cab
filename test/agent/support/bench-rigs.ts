/** Throughput rigs for the agent benchmark: the real FileSource and Pipeline over a pre-written file. */
import path from 'node:path';
import { parseAgentConfig } from '../../../agent/src/config/load.ts';
import { AgentMetrics } from '../../../agent/src/metrics/agent-metrics.ts';
import { ModelSlot } from '../../../agent/src/pipeline/model-slot.ts';
import { Outbox } from '../../../agent/src/pipeline/outbox.ts';
import { Pipeline } from '../../../agent/src/pipeline/pipeline.ts';
import { FileSource } from '../../../agent/src/sources/file/file-source.ts';
import type { SourceBatch } from '../../../agent/src/sources/source.ts';
import { StateDb } from '../../../agent/src/state/index.ts';
import { FeatureEngine } from '../../../models/src/features/engine.ts';
import { sleep } from './bench-workloads.ts';

/** The daemon's default pipeline settings (decisionIntervalMs can be overridden to compare). */
export const PIPELINE = parseAgentConfig('').pipeline;
export const DECISION_MS = Number(process.env.AGENT_BENCH_DECISION_MS ?? PIPELINE.decisionIntervalMs);

export function fileSource(root: string, db: StateDb, id: string): FileSource {
  return new FileSource(
    {
      type: 'file',
      id,
      root,
      defaults: true,
      startAt: 'beginning',
      maxInFlightBatches: 256,
      maxInFlightBytes: 64 << 20,
    },
    { checkpoints: db.checkpoints },
  );
}

export async function tailOnly(root: string, LINES: number): Promise<{ seconds: number; lines: number }> {
  const db = StateDb.open(path.join(root, 'tail-state/agent.db'));
  const src = fileSource(root, db, 'tail');
  let lines = 0;
  const t0 = performance.now();
  let done: () => void = () => {};
  const finished = new Promise<void>((r) => {
    done = r;
  });
  await src.start({
    write(b: SourceBatch) {
      lines += b.type === 'lines' ? b.lines.length : 0;
      b.ack();
      if (lines >= LINES) done();
    },
    issue() {},
  });
  await finished;
  const seconds = (performance.now() - t0) / 1000;
  await src.stop();
  db.close();
  return { seconds, lines };
}

export async function pipelineRig(
  root: string,
  bundle: string,
  onDecided?: (d: { batches: SourceBatch[]; at: number }) => void,
) {
  const db = StateDb.open(path.join(root, `state-${Math.random().toString(36).slice(2)}/agent.db`));
  const engine = new FeatureEngine({ maxEntities: 5000 });
  const slot = new ModelSlot({ expectedFeatureHash: engine.schema.hash });
  await slot.loadFirst([bundle]);
  const outbox = new Outbox(
    db,
    { controlPlane: false, cloudwatchAnomalies: false, cloudwatchAudit: false },
    { spoolFull() {} },
  );
  let acked = 0;
  const pipeline = new Pipeline(
    { host: 'web-1', ...PIPELINE, decisionIntervalMs: DECISION_MS },
    {
      engine,
      slot,
      metrics: new AgentMetrics(),
      commit: (a, b) => {
        outbox.commit(a, b);
        for (const x of b) acked += x.type === 'lines' ? x.lines.length : 0;
      },
      onAnomalies: () => {},
      onDecided: onDecided ? (d) => onDecided(d) : undefined,
    },
  );
  const src = fileSource(root, db, 'e2e');
  pipeline.start();
  return {
    pipeline,
    src,
    acked: () => acked,
    async close() {
      await src.stop();
      await pipeline.stop();
      await slot.close();
      db.close();
    },
  };
}

export async function endToEnd(root: string, bundle: string, LINES: number) {
  const rig = await pipelineRig(root, bundle);
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  await rig.src.start(rig.pipeline);
  while (rig.acked() < LINES) await sleep(5);
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const stats = rig.pipeline.stats();
  await rig.close();
  return { seconds, cpuSeconds: (cpu.user + cpu.system) / 1e6, stats };
}
