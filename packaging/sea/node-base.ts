import { existsSync, readFileSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { REPO_ROOT } from './bundle.ts';
import { type Arch, elfArch, hostArch } from './elf.ts';
import { run } from './exec.ts';

/** The repository's pinned runtime (the `node` devDependency): its binary runs npm scripts and builds SEA blobs. */
export const HOST_NODE = path.join(REPO_ROOT, 'node_modules/node/bin/node');

export class RegistryUnavailableError extends Error {
  override name = 'RegistryUnavailableError';
}

export interface BaseNode {
  arch: Arch;
  version: string;
  file: string;
  /** Where it came from: the repository's node package, or `npm pack node-linux-<arch>` (cached). */
  source: 'node_modules' | 'npm-pack' | 'cache';
  integrity?: string;
}

/** The version of the `node` package installed in node_modules (what package.json pins). */
export function pinnedNodeVersion(): string {
  const pkg = JSON.parse(readFileSync(path.join(REPO_ROOT, 'node_modules/node/package.json'), 'utf8'));
  if (typeof pkg.version !== 'string' || !/^\d+\.\d+\.\d+$/.test(pkg.version))
    throw new Error(`node_modules/node/package.json: unexpected version ${JSON.stringify(pkg.version)}`);
  return pkg.version;
}

/**
 * The official Node binary for arch at the pinned version. The host's own comes from node_modules; another
 * architecture's cannot be npm-installed here (the package's cpu field), so it is fetched with `npm pack
 * node-linux-<arch>@<version>` (npm checks the registry's integrity hash) and bin/node extracted into the cache.
 */
export async function baseNode(arch: Arch, cacheDir: string): Promise<BaseNode> {
  const version = pinnedNodeVersion();
  if (arch === hostArch() && (await elfArch(HOST_NODE)) === arch) {
    return { arch, version, file: HOST_NODE, source: 'node_modules' };
  }
  const dir = path.join(cacheDir, 'node', version, arch);
  const file = path.join(dir, 'node');
  const metaFile = path.join(dir, 'node.json');
  if (existsSync(file) && existsSync(metaFile) && (await elfArch(file)) === arch) {
    const meta = JSON.parse(readFileSync(metaFile, 'utf8')) as { integrity?: string };
    return { arch, version, file, source: 'cache', integrity: meta.integrity };
  }
  await mkdir(dir, { recursive: true });
  const work = await mkdtemp(path.join(dir, '.pack-'));
  try {
    const spec = `node-linux-${arch}@${version}`;
    let packed: { filename: string; integrity?: string }[];
    try {
      const { stdout } = await run('npm', ['pack', spec, '--json', '--pack-destination', work], {
        cwd: work,
        timeoutMs: 180_000,
      });
      packed = JSON.parse(stdout.slice(stdout.indexOf('[')));
    } catch (err) {
      throw new RegistryUnavailableError(`cannot fetch ${spec} from the npm registry: ${(err as Error).message}`);
    }
    const tgz = path.join(work, packed[0].filename);
    await run('tar', ['-xzf', tgz, '-C', work, 'package/bin/node'], { timeoutMs: 120_000 });
    const extracted = path.join(work, 'package/bin/node');
    const got = await elfArch(extracted);
    if (got !== arch) throw new Error(`${spec}: bin/node is ${got ?? 'not a 64-bit ELF'}, expected ${arch}`);
    await writeFile(metaFile, `${JSON.stringify({ spec, integrity: packed[0].integrity }, null, 2)}\n`);
    await rename(extracted, file);
    return { arch, version, file, source: 'npm-pack', integrity: packed[0].integrity };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/** Copies a base binary (writes go to the copy only; node_modules stays untouched). */
export async function copyBase(base: BaseNode, to: string): Promise<void> {
  await mkdir(path.dirname(to), { recursive: true });
  await copyFile(base.file, to);
}
