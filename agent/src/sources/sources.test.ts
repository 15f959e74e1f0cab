import { describe, expect, it } from 'vitest';
import type { LogEvent } from '../../../models/src/schema/index.ts';
import { StateDb } from '../state/db.ts';
import { createSources, DEFAULT_SOURCES_CONFIG } from './factory.ts';
import { PeriodicSource, type Sampler } from './periodic-source.ts';
import type { EventBatch, SourceBatch, SourceIssue } from './source.ts';

const event = (n: number): LogEvent => ({
  ts: n,
  source: 'ec2.disk',
  action: 'disk.sample',
  outcome: 'unknown',
  raw: `{"n":${n}}`,
});

class FakeSampler implements Sampler {
  readonly counters = { calls: 0 };
  delayMs = 0;
  fail = false;
  async sample(now: number): Promise<LogEvent[]> {
    this.counters.calls++;
    if (this.delayMs) await new Promise((r) => setTimeout(r, this.delayMs));
    if (this.fail) throw new Error('statfs exploded');
    return [event(now)];
  }
}

function collector() {
  const batches: EventBatch[] = [];
  const issues: SourceIssue[] = [];
  return {
    batches,
    issues,
    sink: {
      write: (b: SourceBatch) => b.type === 'events' && batches.push(b),
      issue: (i: SourceIssue) => issues.push(i),
    },
  };
}

describe('PeriodicSource', () => {
  it('never runs two samples at once, and records what each cost', async () => {
    const fake = new FakeSampler();
    const src = new PeriodicSource('disks', 'disk', 'ec2.disk', fake, { intervalMs: 60_000, maxInFlightBatches: 10 });
    const c = collector();
    await src.start(c.sink);
    fake.delayMs = 40;
    const a = src.tick();
    const b = src.tick();
    await Promise.all([a, b]);
    const st = src.stats();
    expect(fake.counters.calls).toBe(2);
    expect(st.sampling).toMatchObject({ samples: 2, skippedOverlap: 1 });
    expect(st.sampling!.maxMs).toBeGreaterThanOrEqual(35);
    expect(c.batches.map((x) => x.kind)).toEqual(['ec2.disk', 'ec2.disk']);
    await src.stop();
  });

  it('skips (and reports) samples while the consumer has not acked, then resumes', async () => {
    const fake = new FakeSampler();
    const src = new PeriodicSource('disks', 'disk', 'ec2.disk', fake, { intervalMs: 60_000, maxInFlightBatches: 1 });
    const c = collector();
    await src.start(c.sink);
    await src.tick();
    expect(c.batches).toHaveLength(1);
    expect(c.issues.map((i) => i.code)).toEqual(['sample_skipped']);
    expect(src.stats().paused).toBe(true);
    c.batches[0].ack();
    await src.tick();
    expect(c.batches).toHaveLength(2);
    expect(src.stats().sampling).toMatchObject({ samples: 2, skippedBackpressure: 1 });
    await src.stop();
  });

  it('reports a failing sample and keeps going', async () => {
    const fake = new FakeSampler();
    fake.fail = true;
    const src = new PeriodicSource('disks', 'disk', 'ec2.disk', fake, { intervalMs: 60_000, maxInFlightBatches: 4 });
    const c = collector();
    await src.start(c.sink);
    fake.fail = false;
    await src.tick();
    expect(c.issues[0]).toMatchObject({ code: 'sample_error', message: 'disks: Error: statfs exploded' });
    expect(c.batches).toHaveLength(1);
    expect(src.stats().sampling?.errors).toBe(1);
    await src.stop();
  });
});

describe('createSources', () => {
  const db = () => StateDb.open(':memory:');

  it('builds the default set', () => {
    const s = createSources(DEFAULT_SOURCES_CONFIG, { checkpoints: db().checkpoints });
    expect(s.map((x) => [x.id, x.kind])).toEqual([
      ['logs', 'file'],
      ['processes', 'process'],
      ['disks', 'disk'],
    ]);
  });

  it('names the entry and key of a bad config', () => {
    const deps = { checkpoints: db().checkpoints };
    expect(() => createSources([{ type: 'file', id: 'a', maxLineBytes: 'big' }], deps)).toThrow(
      /sources\[0\] \(file\): maxLineBytes: Expected integer/,
    );
    expect(() => createSources([{ type: 'process', id: 'p', intervalMs: 10 }], deps)).toThrow(
      /sources\[0\] \(process\): intervalMs: Expected integer to be greater or equal to 1000/,
    );
    expect(() => createSources([{ type: 'file', id: 'a', colour: 'red' }], deps)).toThrow(/sources\[0\] \(file\)/);
    expect(() => createSources([{ type: 'journal', id: 'j' }], deps)).toThrow(/sources\[0\] \(journal\): type/);
    expect(() =>
      createSources(
        [
          { type: 'disk', id: 'x' },
          { type: 'process', id: 'x' },
        ],
        deps,
      ),
    ).toThrow(/sources\[1\] \(process\): id: duplicate id x/);
    expect(() => createSources({ type: 'file' }, deps)).toThrow(/sources: \(root\): Expected an array/);
  });
});
