import { createHash } from 'node:crypto';
import { chmod, copyFile, cp, mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ORT_BINDING_FILE, ORT_LIBRARY_FILE } from '../../agent/src/runtime/ort-binding.ts';
import { REPO_ROOT } from '../sea/bundle.ts';
import type { Arch } from '../sea/elf.ts';
import { run, which } from '../sea/exec.ts';

export const SSM_DIR = import.meta.dirname;
export const UNIT_FILE = path.join(REPO_ROOT, 'packaging/systemd/vigil-agent.service');
export const BUNDLE_DIR = path.join(REPO_ROOT, 'models/bundles/default');
const SCRIPTS = ['install.sh', 'update.sh', 'uninstall.sh', 'common.sh'];

export function ortDir(arch: Arch): string {
  return path.join(REPO_ROOT, 'node_modules/onnxruntime-node/bin/napi-v6/linux', arch);
}

export interface StagedPackage {
  dir: string;
  arch: Arch;
  /** Installed bytes per file under files/, for the size report. */
  files: { name: string; bytes: number }[];
  bindingStripped: boolean;
}

/**
 * Lays out one architecture's package: the Distributor scripts at the top, everything installed into /opt/vigil
 * (plus the default config and the unit) under files/, and files/SHA256SUMS, which install.sh checks first.
 */
export async function stagePackage(arch: Arch, binary: string, dir: string): Promise<StagedPackage> {
  await rm(dir, { recursive: true, force: true });
  const files = path.join(dir, 'files');
  await mkdir(path.join(files, 'bundles'), { recursive: true });
  for (const s of SCRIPTS) {
    await copyFile(path.join(SSM_DIR, s), path.join(dir, s));
    await chmod(path.join(dir, s), 0o755);
  }
  await copyFile(binary, path.join(files, 'vigil-agent'));
  await chmod(path.join(files, 'vigil-agent'), 0o755);
  await copyFile(path.join(ortDir(arch), ORT_LIBRARY_FILE), path.join(files, ORT_LIBRARY_FILE));
  const bindingStripped = await copyStripped(
    path.join(ortDir(arch), ORT_BINDING_FILE),
    path.join(files, ORT_BINDING_FILE),
  );
  await cp(BUNDLE_DIR, path.join(files, 'bundles/default'), { recursive: true });
  await copyFile(path.join(SSM_DIR, 'agent.yaml'), path.join(files, 'agent.yaml'));
  await copyFile(UNIT_FILE, path.join(files, 'vigil-agent.service'));
  const listed = await listFiles(files);
  await writeFile(path.join(files, 'SHA256SUMS'), await sha256sums(files, listed));
  const sizes = await Promise.all(
    listed.map(async (name) => ({ name, bytes: (await stat(path.join(files, name))).size })),
  );
  return { dir, arch, files: sizes, bindingStripped };
}

/** The binding ships with its symbol table; .dynsym (what the loader needs) survives --strip-all. */
async function copyStripped(from: string, to: string): Promise<boolean> {
  const tool = await which('llvm-strip');
  if (!tool) {
    await copyFile(from, to);
    return false;
  }
  await run(tool, ['--strip-all', '-o', to, from]);
  return true;
}

async function listFiles(root: string, sub = ''): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(path.join(root, sub), { withFileTypes: true })) {
    const rel = sub ? `${sub}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...(await listFiles(root, rel)));
    else if (e.isFile()) out.push(rel);
  }
  return out.sort();
}

async function sha256sums(root: string, names: string[]): Promise<string> {
  const lines: string[] = [];
  for (const name of names) {
    const hash = createHash('sha256')
      .update(await readFile(path.join(root, name)))
      .digest('hex');
    lines.push(`${hash}  ${name}`);
  }
  return `${lines.join('\n')}\n`;
}

export function sha256File(file: string): Promise<string> {
  return readFile(file).then((b) => createHash('sha256').update(b).digest('hex'));
}
