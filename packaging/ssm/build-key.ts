import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Arch } from '../sea/elf.ts';
import { BUNDLE_DIR, ortDir, SSM_DIR, UNIT_FILE } from './stage.ts';

/**
 * What one architecture's zips are made of: the SEA blob (agent code + commit), the base binary, the native
 * libraries, the scripts, unit, default config and model bundle, the version and the strip choice. Same key, same
 * zips: the build reuses them (repeated test runs and `npm run package` without changes take seconds).
 */
export async function archBuildKey(
  arch: Arch,
  inputs: { blobFile: string; baseFile: string; version: string; commit: string; strip: boolean },
): Promise<string> {
  const h = createHash('sha256');
  h.update(JSON.stringify({ arch, version: inputs.version, commit: inputs.commit, strip: inputs.strip }));
  h.update(await readFile(inputs.blobFile));
  const base = await stat(inputs.baseFile);
  h.update(`${inputs.baseFile}:${base.size}:${base.mtimeMs}`);
  for (const dir of [SSM_DIR, BUNDLE_DIR, ortDir(arch)]) {
    for (const name of (await readdir(dir)).sort()) {
      if (name.endsWith('.ts')) continue;
      const full = path.join(dir, name);
      const s = await stat(full);
      if (s.isFile()) h.update(name).update(s.size > 1 << 20 ? `${s.size}:${s.mtimeMs}` : await readFile(full));
    }
  }
  h.update(await readFile(UNIT_FILE));
  return h.digest('hex');
}

export function keyFile(workDir: string, arch: Arch): string {
  return path.join(workDir, `build-${arch}.json`);
}

export function readKey<T>(workDir: string, arch: Arch): { key: string; result: T } | undefined {
  const f = keyFile(workDir, arch);
  if (!existsSync(f)) return undefined;
  try {
    return JSON.parse(readFileSync(f, 'utf8'));
  } catch {
    return undefined;
  }
}

export async function writeKey<T>(workDir: string, arch: Arch, key: string, result: T): Promise<void> {
  await writeFile(keyFile(workDir, arch), `${JSON.stringify({ key, result }, null, 2)}\n`);
}
