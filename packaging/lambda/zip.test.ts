import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { zipDirectory } from './zip.ts';

const tmp = mkdtempSync(path.join(tmpdir(), 'vigil-zip-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function tree(dir: string, mtime: number): void {
  mkdirSync(path.join(dir, 'b/c'), { recursive: true });
  writeFileSync(path.join(dir, 'a.txt'), 'alpha\n'.repeat(100));
  writeFileSync(path.join(dir, 'b/c/ünï.json'), '{"x":1}');
  writeFileSync(path.join(dir, 'b/run.sh'), '#!/bin/sh\necho ok\n', { mode: 0o755 });
  writeFileSync(path.join(dir, 'empty'), '');
  for (const f of ['a.txt', 'b/c/ünï.json', 'b/run.sh', 'empty']) utimesSync(path.join(dir, f), mtime, mtime);
}

describe('zipDirectory', () => {
  it('gives the same bytes for the same files whatever their timestamps', async () => {
    tree(path.join(tmp, 'one'), 1_000_000);
    tree(path.join(tmp, 'two'), 2_000_000);
    const a = await zipDirectory(path.join(tmp, 'one'), path.join(tmp, 'one.zip'));
    const b = await zipDirectory(path.join(tmp, 'two'), path.join(tmp, 'two.zip'));
    expect(a).toEqual(b);
    expect(a).toMatchObject({ files: 4, unzippedBytes: 600 + 7 + 18 });
    expect(readFileSync(path.join(tmp, 'one.zip')).equals(readFileSync(path.join(tmp, 'two.zip')))).toBe(true);
  });

  it('is read back by the system unzip with contents and modes intact', (ctx) => {
    if (spawnSync('unzip', ['-v']).status !== 0) {
      console.warn('zip test: unzip is not installed; the round trip through another implementation is skipped');
      ctx.skip();
    }
    const out = path.join(tmp, 'x');
    const r = spawnSync('unzip', ['-q', path.join(tmp, 'one.zip'), '-d', out], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(readFileSync(path.join(out, 'a.txt'), 'utf8')).toBe('alpha\n'.repeat(100));
    expect(readFileSync(path.join(out, 'b/c/ünï.json'), 'utf8')).toBe('{"x":1}');
    expect(spawnSync(path.join(out, 'b/run.sh'), { encoding: 'utf8' }).stdout).toBe('ok\n');
  });
});
