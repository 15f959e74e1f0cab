import { existsSync } from 'node:fs';
import { mkdir, readdir, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { buildSeaBinary, type PreparedBlob, prepareBlob } from '../sea/build-sea.ts';
import type { Arch } from '../sea/elf.ts';
import { baseNode, RegistryUnavailableError } from '../sea/node-base.ts';
import { type SmokeResult, smokeTest } from '../sea/smoke.ts';
import type { StripResult } from '../sea/strip.ts';
import { archBuildKey, readKey, writeKey } from './build-key.ts';
import { type BuiltZip, type DistributorManifest, distributorManifest } from './manifest.ts';
import { buildArchPackage, type PackageInfo } from './package.ts';
import { sha256File } from './stage.ts';

export const MANIFEST_NAME = 'manifest.json';

export interface BuildOptions extends PackageInfo {
  arches: Arch[];
  outDir: string;
  /** Downloaded and stripped base binaries (shared between builds). */
  cacheDir: string;
  /** Intermediate files and the up-to-date records; one per output directory (default <cacheDir>/work). */
  workDir?: string;
  strip: boolean;
  /** Skip an architecture whose base binary cannot be fetched (registry unreachable) instead of failing. */
  allowSkip: boolean;
  progress?(message: string): void;
}

export interface ArchResult {
  arch: Arch;
  cached: boolean;
  binary: { file: string; bytes: number; baseSource: string; strip: Omit<StripResult, 'file'> };
  staged: { dir: string; files: { name: string; bytes: number }[]; bindingStripped: boolean };
  zips: (BuiltZip & { bytes: number; path: string })[];
  smoke: SmokeResult;
}

export interface BuildResult {
  version: string;
  commit: string;
  outDir: string;
  manifest: DistributorManifest;
  manifestPath: string;
  blob: PreparedBlob['blob'] & { bundleBytes: number; topInputs: PreparedBlob['bundle']['inputs'] };
  arches: ArchResult[];
  skipped: { arch: Arch; reason: string }[];
}

/** Builds the single executable and the Distributor zips for each architecture, then manifest.json. */
export async function buildPackages(opts: BuildOptions): Promise<BuildResult> {
  const say = opts.progress ?? (() => undefined);
  const work = opts.workDir ?? path.join(opts.cacheDir, 'work');
  say('bundling the agent (esbuild) and building the SEA blob');
  const prepared = await prepareBlob(path.join(work, 'sea'), opts.commit);
  say(`blob ${prepared.blob.bytes} bytes: ${prepared.blob.why}`);
  const arches: ArchResult[] = [];
  const skipped: BuildResult['skipped'] = [];
  for (const arch of opts.arches) {
    try {
      arches.push(await buildArch(arch, prepared, opts, work, say));
    } catch (err) {
      if (!(err instanceof RegistryUnavailableError) || !opts.allowSkip) throw err;
      say(`${arch}: SKIPPED: ${err.message}`);
      skipped.push({ arch, reason: err.message });
    }
  }
  const zips = arches.flatMap((a) => a.zips);
  const manifest = distributorManifest(opts.version, zips);
  await mkdir(opts.outDir, { recursive: true });
  const manifestPath = path.join(opts.outDir, MANIFEST_NAME);
  await writeFile(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
  await removeStaleZips(opts.outDir, new Set(zips.map((z) => z.file)));
  return {
    version: opts.version,
    commit: opts.commit,
    outDir: opts.outDir,
    manifest,
    manifestPath,
    blob: { ...prepared.blob, bundleBytes: prepared.bundle.bytes, topInputs: prepared.bundle.inputs.slice(0, 8) },
    arches,
    skipped,
  };
}

async function buildArch(
  arch: Arch,
  prepared: PreparedBlob,
  opts: BuildOptions,
  work: string,
  say: (m: string) => void,
): Promise<ArchResult> {
  say(`${arch}: base binary (node ${arch === process.arch ? 'from node_modules' : 'via npm pack, cached'})`);
  const base = await baseNode(arch, opts.cacheDir);
  const key = await archBuildKey(arch, { ...opts, blobFile: prepared.blob.file, baseFile: base.file });
  const previous = readKey<ArchResult>(work, arch);
  const sameOut = previous?.result.zips.every((z) => path.dirname(z.path) === path.resolve(opts.outDir));
  const stagedKept = previous && existsSync(path.join(previous.result.staged.dir, 'files/vigil-agent'));
  if (previous?.key === key && sameOut && stagedKept && (await zipsIntact(previous.result.zips))) {
    say(`${arch}: up to date (inputs unchanged), reusing ${previous.result.zips.length} zips`);
    return { ...previous.result, cached: true };
  }
  say(`${arch}: strip + inject the blob (postject)`);
  const binFile = path.join(work, `vigil-agent-${arch}`);
  const sea = await buildSeaBinary(arch, {
    blobFile: prepared.blob.file,
    outFile: binFile,
    cacheDir: opts.cacheDir,
    strip: opts.strip,
  });
  say(`${arch}: staging and zipping (${sea.bytes} byte binary)`);
  const pkg = await buildArchPackage(arch, binFile, opts, { work, out: path.resolve(opts.outDir) });
  say(`${arch}: smoke test of the packaged binary`);
  const smoke = await smokeTest(arch, path.join(pkg.staged.dir, 'files'));
  if (smoke.ran) checkSmoke(smoke, base.version);
  say(`${arch}: ${smokeSummary(smoke)}`);
  const { file: _f, ...strip } = sea.strip;
  const result: ArchResult = {
    arch,
    cached: false,
    binary: { file: binFile, bytes: sea.bytes, baseSource: sea.base.source, strip },
    staged: { dir: pkg.staged.dir, files: pkg.staged.files, bindingStripped: pkg.staged.bindingStripped },
    zips: pkg.zips,
    smoke,
  };
  await writeKey(work, arch, key, result);
  return result;
}

function smokeSummary(s: SmokeResult): string {
  if (!s.ran) return `smoke test not run: ${s.reason}`;
  const ort = s.ortSkipped
    ? `ONNX Runtime not checked: ${s.ortSkipped}`
    : `${s.rowsScored} windows scored by ONNX Runtime`;
  return `smoke test passed (${s.how}; SEA started, model ${s.version?.model.version}; ${ort})`;
}

function checkSmoke(s: SmokeResult, nodeVersion: string): void {
  const v = s.version;
  if (!v?.singleExecutable) throw new Error(`${s.arch}: the packaged binary does not run as a single executable`);
  if (v.node !== `v${nodeVersion}`)
    throw new Error(`${s.arch}: packaged binary runs node ${v.node}, expected v${nodeVersion}`);
  if (!v.model.version) throw new Error(`${s.arch}: the packaged binary cannot read its model bundle`);
  if (!s.ortSkipped && !s.rowsScored)
    throw new Error(`${s.arch}: the packaged binary scored no windows (ONNX Runtime binding?)`);
}

async function zipsIntact(zips: ArchResult['zips']): Promise<boolean> {
  for (const z of zips) {
    if (!existsSync(z.path) || (await stat(z.path)).size !== z.bytes) return false;
    if ((await sha256File(z.path)) !== z.sha256) return false;
  }
  return zips.length > 0;
}

/** Zips of earlier versions left in the output directory would be uploaded by mistake: remove them. */
async function removeStaleZips(outDir: string, keep: Set<string>): Promise<void> {
  for (const name of await readdir(outDir)) {
    if (/^vigil-agent_.*\.zip$/.test(name) && !keep.has(name)) await rm(path.join(outDir, name), { force: true });
  }
}
