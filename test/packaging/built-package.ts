/**
 * The Distributor packages the packaging tests run against, built once by packaging/ssm/build-packages.ts into
 * dist/test-packages (its own work directory, so `npm run package` output is never touched). Unchanged inputs are
 * reused, so a repeated run takes seconds. Test files in parallel workers serialise on a lock directory.
 * x64 is always built; arm64 is skipped with a printed reason when the npm registry is unreachable.
 */
import { mkdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { gitCommit } from '../../agent/src/runtime/build-info.ts';
import { REPO_ROOT } from '../../packaging/sea/bundle.ts';
import type { Arch } from '../../packaging/sea/elf.ts';
import { type BuildResult, buildPackages } from '../../packaging/ssm/build-packages.ts';

export const TEST_OUT = path.join(REPO_ROOT, 'dist/test-packages');
const LOCK = path.join(REPO_ROOT, 'dist/cache/test-build.lock');
const STALE_LOCK_MS = 10 * 60_000;

export async function builtPackages(arches: Arch[] = ['x64', 'arm64']): Promise<BuildResult> {
  await acquire();
  try {
    const result = await buildPackages({
      arches,
      outDir: TEST_OUT,
      cacheDir: path.join(REPO_ROOT, 'dist/cache'),
      workDir: path.join(REPO_ROOT, 'dist/cache/test-work'),
      version: '0.0.0-test',
      commit: gitCommit(REPO_ROOT) ?? 'unknown',
      strip: true,
      allowSkip: true,
      progress: (m) => console.log(`[package] ${m}`),
    });
    for (const s of result.skipped) console.warn(`SKIPPED ${s.arch} package: ${s.reason}`);
    return result;
  } finally {
    rmSync(LOCK, { recursive: true, force: true });
  }
}

async function acquire(): Promise<void> {
  mkdirSync(path.dirname(LOCK), { recursive: true });
  for (;;) {
    try {
      mkdirSync(LOCK);
      return;
    } catch {
      try {
        if (Date.now() - statSync(LOCK).mtimeMs > STALE_LOCK_MS) rmSync(LOCK, { recursive: true, force: true });
      } catch {
        // released meanwhile
      }
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}

export function zipFor(result: BuildResult, arch: Arch, platform = 'ubuntu'): string | undefined {
  return result.arches.find((a) => a.arch === arch)?.zips.find((z) => z.platform === platform)?.path;
}
