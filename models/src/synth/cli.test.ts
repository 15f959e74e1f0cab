import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { UsageError } from '../util/cli.ts';
import { run } from './cli.ts';

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((s) => {
    out.push(String(s));
    return true;
  });
  vi.spyOn(process.stderr, 'write').mockImplementation((s) => {
    err.push(String(s));
    return true;
  });
  return { out, err };
}

afterEach(() => vi.restoreAllMocks());

describe('vigil data generate', () => {
  it('prints one JSON summary with --json and writes the dataset', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'vigil-cli-'));
    const { out } = capture();
    const code = await run(['generate', '--out', dir, '--samples', '2500', '--seed', '11', '--json']);
    vi.restoreAllMocks();
    expect(code).toBe(0);
    const summary = JSON.parse(out.join(''));
    expect(summary).toMatchObject({ seed: 11, records: 2500 });
    expect(Object.keys(summary.anomalies)).toHaveLength(21);
    const manifest = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8'));
    expect(manifest.seed).toBe(11);
  });

  it('refuses a bad scenario with the key named and exit code 2', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'vigil-cli-'));
    const file = join(dir, 'bad.yaml');
    await writeFile(file, 'anomalies:\n  types:\n    ddos: { cout: 3 }\n');
    const { err } = capture();
    const code = await run(['generate', '--out', join(dir, 'out'), '--scenario', file]);
    vi.restoreAllMocks();
    expect(code).toBe(2);
    expect(err.join('')).toContain('anomalies.types.ddos.cout');
  });

  it('reports a missing scenario file and bad flags as usage errors', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'vigil-cli-'));
    const { err } = capture();
    expect(await run(['generate', '--out', dir, '--scenario', join(dir, 'nope.yaml')])).toBe(2);
    vi.restoreAllMocks();
    expect(err.join('')).toContain('scenario file not found');
    await expect(run(['generate'])).rejects.toThrow(UsageError);
    await expect(run(['generate', '--out', dir, '--samples', 'many'])).rejects.toThrow(/--samples/);
    await expect(run(['generate', '--out', dir, '--samples', '5'])).rejects.toThrow(/--samples/);
    await expect(run(['explode'])).rejects.toThrow(/unknown command 'explode'/);
  });
});
