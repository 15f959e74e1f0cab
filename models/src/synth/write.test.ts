import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ANOMALY_TYPES } from '../schema/anomaly.ts';
import { LOG_SOURCES } from '../schema/event.ts';
import { VPC_HEADER } from './format/files.ts';
import type { Manifest } from './manifest.ts';
import { generateDataset } from './write.ts';

async function tree(root: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const walk = async (dir: string) => {
    for (const e of await readdir(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) await walk(p);
      else
        out.set(
          relative(root, p),
          createHash('sha256')
            .update(await readFile(p))
            .digest('hex'),
        );
    }
  };
  await walk(root);
  return out;
}

const lines = (text: string) => text.split('\n').filter((l) => l.length > 0);

describe('generateDataset', () => {
  it('is byte-identical for the same seed and different for another seed', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'vigil-synth-'));
    await generateDataset({ out: join(dir, 'a'), samples: 3000 });
    await generateDataset({ out: join(dir, 'b'), samples: 3000 });
    await generateDataset({ out: join(dir, 'c'), samples: 3000, seed: 7 });
    const [a, b, c] = await Promise.all(['a', 'b', 'c'].map((d) => tree(join(dir, d))));
    expect([...a.keys()].sort()).toEqual([...b.keys()].sort());
    for (const [file, hash] of a) expect(b.get(file), file).toBe(hash);
    expect(c.get('labels.jsonl')).not.toBe(a.get('labels.jsonl'));
    expect(c.get('cloudtrail/events.jsonl')).not.toBe(a.get('cloudtrail/events.jsonl'));
  });

  it('writes the contract layout, labels and a manifest whose counts match the files', async () => {
    const out = await mkdtemp(join(tmpdir(), 'vigil-synth-'));
    const m = await generateDataset({ out, samples: 4000, scenario: { days: 120, start: '2025-03-01' } });
    const onDisk = JSON.parse(await readFile(join(out, 'manifest.json'), 'utf8')) as Manifest;
    expect(onDisk).toEqual(JSON.parse(JSON.stringify(m)));
    expect(m.records).toBe(4000);
    expect(m.year).toBe(2025);
    expect(m.hosts).toHaveLength(6);
    for (const h of m.hosts) {
      expect(h.instanceId).toMatch(/^i-[0-9a-f]{17}$/);
      expect(h.hostname).toMatch(/^ip-10-0-\d+-\d+$/);
      expect(m.files).toContain(`ec2/${h.hostname}/auth.log`);
    }
    expect(m.users).toHaveLength(10);
    let total = 0;
    for (const file of m.files) {
      const text = await readFile(join(out, file), 'utf8');
      const body = lines(text);
      if (file === 'vpc/flowlogs.log') expect(body.shift()).toBe(VPC_HEADER);
      expect(body.length, file).toBe(m.counts.files[file]);
      total += body.length;
    }
    expect(total).toBe(4000);
    expect(LOG_SOURCES.reduce((s, src) => s + m.counts.sources[src], 0)).toBe(4000);
    const labels = lines(await readFile(join(out, 'labels.jsonl'), 'utf8')).map((l) => JSON.parse(l));
    for (const t of ANOMALY_TYPES) {
      expect(m.counts.anomalies[t].incidents, t).toBeGreaterThanOrEqual(8);
      expect(labels.filter((l) => l.type === t).reduce((s, l) => s + l.events, 0)).toBe(m.counts.anomalies[t].events);
    }
    expect(
      labels.every((l) => l.start >= Date.UTC(2025, 2, 1) && l.end <= Date.UTC(2025, 2, 1) + 120 * 86_400_000),
    ).toBe(true);
  });
});
