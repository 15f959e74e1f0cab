import { mkdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { type BlobReport, buildBlob } from './blob.ts';
import { type BundleResult, bundleAgent } from './bundle.ts';
import type { Arch } from './elf.ts';
import { injectBlob } from './inject.ts';
import { type BaseNode, baseNode, copyBase } from './node-base.ts';
import { type StripResult, strippedNode } from './strip.ts';

export interface PreparedBlob {
  bundle: BundleResult;
  blob: BlobReport;
}

export interface SeaBinary {
  arch: Arch;
  file: string;
  bytes: number;
  base: BaseNode;
  strip: StripResult;
}

/** Bundles the agent and builds the one SEA blob every architecture gets. Refuses a machine-specific blob. */
export async function prepareBlob(workDir: string, commit: string): Promise<PreparedBlob> {
  await mkdir(workDir, { recursive: true });
  const bundle = await bundleAgent(path.join(workDir, 'agent.cjs'), commit);
  const blob = await buildBlob(bundle.file, workDir);
  if (!blob.architectureIndependent) throw new Error(`SEA blob ${blob.file} is not portable: ${blob.why}`);
  return { bundle, blob };
}

/** The single executable for arch: pinned Node for that architecture, stripped (when possible), blob injected. */
export async function buildSeaBinary(
  arch: Arch,
  opts: { blobFile: string; outFile: string; cacheDir: string; strip: boolean },
): Promise<SeaBinary> {
  const base = await baseNode(arch, opts.cacheDir);
  const strip: StripResult = opts.strip
    ? await strippedNode(base, opts.cacheDir)
    : { file: base.file, stripped: false, reason: '--no-strip', bytesBefore: 0, bytesAfter: 0 };
  await copyBase({ ...base, file: strip.file }, opts.outFile);
  await injectBlob(opts.outFile, opts.blobFile);
  return { arch, file: opts.outFile, bytes: (await stat(opts.outFile)).size, base, strip };
}
