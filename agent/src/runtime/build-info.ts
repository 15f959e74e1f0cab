import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { readManifest } from '../../../models/src/onnx/bundle.ts';
import { AGENT_VERSION } from '../config/host.ts';
import { isSingleExecutable } from './sea.ts';

/** Replaced by the SEA build (esbuild `define`) with the commit the binary was built from. */
declare const VIGIL_BUILD_COMMIT: string | undefined;

export interface VersionInfo {
  version: string;
  /** Commit id, with `-dirty` when the tree had uncommitted changes; 'unknown' when neither source is available. */
  commit: string;
  commitSource: 'build' | 'git' | 'unknown';
  node: string;
  singleExecutable: boolean;
  model: { dir: string; version?: string; createdAt?: string; error?: string };
}

/** The commit baked in at build time, else `git rev-parse` of the checkout this source runs from. */
export function buildCommit(): { commit: string; source: VersionInfo['commitSource'] } {
  if (typeof VIGIL_BUILD_COMMIT === 'string' && VIGIL_BUILD_COMMIT)
    return { commit: VIGIL_BUILD_COMMIT, source: 'build' };
  const fromGit = gitCommit(path.resolve(import.meta.dirname, '../../..'));
  return fromGit ? { commit: fromGit, source: 'git' } : { commit: 'unknown', source: 'unknown' };
}

/** `git rev-parse HEAD` (+ `-dirty`) in dir, or undefined when git or the repository is missing. */
export function gitCommit(dir: string): string | undefined {
  const git = (args: string[]) =>
    execFileSync('git', args, { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 5000 });
  try {
    const head = git(['rev-parse', 'HEAD']).trim();
    if (!/^[0-9a-f]{40,64}$/.test(head)) return undefined;
    const dirty = git(['status', '--porcelain', '--untracked-files=no']).trim() !== '';
    return `${head}${dirty ? '-dirty' : ''}`;
  } catch {
    return undefined;
  }
}

/** Everything `vigil-agent --version` reports; the model is read from the bundle manifest in bundleDir. */
export async function versionInfo(bundleDir: string): Promise<VersionInfo> {
  const { commit, source } = buildCommit();
  let model: VersionInfo['model'];
  try {
    const m = await readManifest(bundleDir);
    model = { dir: bundleDir, version: m.bundleVersion, createdAt: m.createdAt };
  } catch (err) {
    model = { dir: bundleDir, error: (err as Error).message };
  }
  return {
    version: AGENT_VERSION,
    commit,
    commitSource: source,
    node: process.version,
    singleExecutable: isSingleExecutable(),
    model,
  };
}
