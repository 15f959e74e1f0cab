/**
 * The single-executable agent: it runs from a copy of its package directory outside the repository with an empty
 * environment (no PATH, so no node, npm or node_modules), reports its versions, loads ONNX Runtime from beside the
 * binary, and carries the one architecture-independent SEA blob in both the x64 and the arm64 binary.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReplayReport } from '../../agent/src/pipeline/replay.ts';
import type { VersionInfo } from '../../agent/src/runtime/build-info.ts';
import { inspectBlob } from '../../packaging/sea/blob.ts';
import { REPO_ROOT } from '../../packaging/sea/bundle.ts';
import { elfArch } from '../../packaging/sea/elf.ts';
import { SEA_FUSE } from '../../packaging/sea/inject.ts';
import { pinnedNodeVersion } from '../../packaging/sea/node-base.ts';
import type { BuildResult } from '../../packaging/ssm/build-packages.ts';
import { builtPackages } from './built-package.ts';
import { runFile } from './install-support.ts';

let built: BuildResult;
let tmp: string;

beforeAll(async () => {
  built = await builtPackages();
  tmp = mkdtempSync(path.join(tmpdir(), 'vigil-sea-'));
}, 600_000);
afterAll(() => tmp && rmSync(tmp, { recursive: true, force: true }));

const x64 = () => built.arches.find((a) => a.arch === 'x64')!;

/** A copy of the x64 package's files/ outside the repository, optionally without some files. */
function copyPackage(name: string, without: string[] = []): string {
  const dir = path.join(tmp, name);
  cpSync(path.join(x64().staged.dir, 'files'), dir, {
    recursive: true,
    filter: (src) => !without.includes(path.basename(src)),
  });
  return dir;
}

describe('vigil-agent single executable', () => {
  it('runs outside the repository with an empty environment and reports version, commit, Node and model', async () => {
    const dir = copyPackage('pkg');
    const r = await runFile(path.join(dir, 'vigil-agent'), ['--version', '--json'], {});
    expect(r.code, r.stderr).toBe(0);
    const info = JSON.parse(r.stdout) as VersionInfo;
    const pkg = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8'));
    expect(info).toMatchObject({
      version: pkg.version,
      commit: built.commit,
      commitSource: 'build',
      node: `v${pinnedNodeVersion()}`,
      singleExecutable: true,
      model: { dir: path.join(dir, 'bundles/default'), version: '1.0.0' },
    });
    const text = await runFile(path.join(dir, 'vigil-agent'), ['--version'], {});
    expect(text.stdout.split('\n')[0]).toBe(`vigil-agent ${pkg.version}`);
    expect(text.stdout).toContain(`commit ${built.commit} (build)`);
    expect(text.stdout).toContain('(single executable)');
  });

  it('loads ONNX Runtime from beside the binary and detects the brute force in a replay', async () => {
    const dir = copyPackage('pkg-replay');
    const log = path.join(tmp, 'auth.log');
    cpSync(path.join(REPO_ROOT, 'test/agent/fixtures/brute-force.auth.log'), log);
    const r = await runFile(
      path.join(dir, 'vigil-agent'),
      ['replay', log, '--json', '--year', '2025', '--host', 'web-1'],
      {},
    );
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout) as ReplayReport;
    expect(report.bundle.dir).toBe(path.join(dir, 'bundles/default'));
    expect(report.anomalies).toContainEqual(
      expect.objectContaining({ type: 'ssh_brute_force', entity: expect.objectContaining({ id: '45.155.205.7' }) }),
    );
  });

  it('says which file is missing when the ONNX Runtime binding is not beside it', async () => {
    const dir = copyPackage('pkg-no-ort', ['onnxruntime_binding.node']);
    const log = path.join(tmp, 'one.log');
    cpSync(path.join(REPO_ROOT, 'test/agent/fixtures/brute-force.auth.log'), log);
    const r = await runFile(path.join(dir, 'vigil-agent'), ['replay', log, '--json'], {});
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`ONNX Runtime binding not found at ${path.join(dir, 'onnxruntime_binding.node')}`);
  });

  it('injects one architecture-independent blob (no code cache, no snapshot) into both architectures', async () => {
    const script = readFileSync(path.join(path.dirname(built.blob.file), 'agent.cjs'));
    const report = await inspectBlob(built.blob.file, script);
    expect(report.architectureIndependent, report.why).toBe(true);
    const blob = readFileSync(built.blob.file);
    for (const a of built.arches) {
      expect(await elfArch(a.binary.file)).toBe(a.arch);
      const bytes = readFileSync(a.binary.file);
      expect(bytes.indexOf(blob), `${a.arch} carries the blob`).toBeGreaterThan(0);
      expect(bytes.indexOf(`${SEA_FUSE}:1`), `${a.arch} fuse set`).toBeGreaterThan(0);
    }
    if (!built.arches.some((a) => a.arch === 'arm64')) console.warn('SKIPPED arm64 checks: arm64 was not built');
  });

  it('ships stripped binaries, zips within 60 MiB, and an arm64 binary that starts (under qemu when present)', () => {
    for (const a of built.arches) {
      if (a.binary.strip.stripped) expect(a.binary.bytes).toBeLessThan(a.binary.strip.bytesBefore);
      else console.warn(`${a.arch} binary not stripped: ${a.binary.strip.reason}`);
      for (const z of a.zips) expect(z.bytes, z.file).toBeLessThanOrEqual(60 * 2 ** 20);
    }
    const arm = built.arches.find((a) => a.arch === 'arm64');
    if (!arm?.smoke.ran) console.warn(`SKIPPED running the arm64 binary: ${arm?.smoke.reason ?? 'not built'}`);
    else expect(arm.smoke.version).toMatchObject({ singleExecutable: true, node: `v${pinnedNodeVersion()}` });
  });
});
