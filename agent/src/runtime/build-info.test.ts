import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildCommit, gitCommit, versionInfo } from './build-info.ts';
import { shippedBundleDir } from './locations.ts';

describe('vigil-agent --version information', () => {
  it('reports the repository commit from source, and nothing for a directory outside git', () => {
    const fromSource = buildCommit();
    expect(fromSource.source).toBe('git');
    expect(fromSource.commit).toMatch(/^[0-9a-f]{40}(-dirty)?$/);
    const outside = mkdtempSync(path.join(tmpdir(), 'no-git-'));
    try {
      expect(gitCommit(outside)).toBeUndefined();
    } finally {
      rmSync(outside, { recursive: true, force: true });
    }
  });

  it('reads the model version from the shipped bundle, and says why when a bundle is unreadable', async () => {
    const info = await versionInfo(shippedBundleDir());
    expect(info).toMatchObject({ node: process.version, singleExecutable: false, model: { version: '1.0.0' } });
    const missing = await versionInfo('/nonexistent/bundle');
    expect(missing.model.error).toMatch(/cannot read manifest/);
  });
});
