import { mkdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { type Arch, DISTRIBUTOR_ARCH } from '../sea/elf.ts';
import type { BuiltZip } from './manifest.ts';
import { MIN_GLIBC, PLATFORMS, type Platform, zipName } from './platforms.ts';
import { type StagedPackage, sha256File, stagePackage } from './stage.ts';
import { zipDir, zipWithExtra } from './zip.ts';

export interface PackageInfo {
  version: string;
  commit: string;
}

export interface ArchPackage {
  arch: Arch;
  staged: StagedPackage;
  zips: (BuiltZip & { bytes: number; path: string })[];
}

const SAFE_VALUE = /^[A-Za-z0-9_.\-/+]{1,128}$/;

/** package.env, sourced by install.sh: every value is checked to be shell-inert before it is written. */
export function packageEnv(info: PackageInfo, platform: Platform, arch: Arch): string {
  const values: Record<string, string> = {
    VIGIL_VERSION: info.version,
    VIGIL_COMMIT: info.commit,
    VIGIL_PLATFORM: platform.id,
    VIGIL_ARCH: DISTRIBUTOR_ARCH[arch],
    VIGIL_AUTH_LOG: platform.authLog,
    VIGIL_MIN_GLIBC: MIN_GLIBC,
  };
  return Object.entries(values)
    .map(([k, v]) => {
      if (!SAFE_VALUE.test(v))
        throw new Error(`package.env: ${k}=${JSON.stringify(v)} has characters a shell would interpret`);
      return `${k}='${v}'\n`;
    })
    .join('');
}

/**
 * One architecture's Distributor zips: the payload is staged and compressed once, then each platform's zip is a
 * copy with its own package.env (what differs per platform: the name, the auth log path it warns about).
 */
export async function buildArchPackage(
  arch: Arch,
  binary: string,
  info: PackageInfo,
  dirs: { work: string; out: string },
): Promise<ArchPackage> {
  const staged = await stagePackage(arch, binary, path.join(dirs.work, `stage-${arch}`));
  const base = path.join(dirs.work, `payload-${arch}.zip`);
  await zipDir(staged.dir, base);
  await mkdir(dirs.out, { recursive: true });
  const zips: ArchPackage['zips'] = [];
  for (const p of PLATFORMS) {
    const file = zipName(info.version, p.id, arch);
    const out = path.join(dirs.out, file);
    await zipWithExtra(base, out, 'package.env', packageEnv(info, p, arch));
    zips.push({ platform: p.id, arch, file, path: out, sha256: await sha256File(out), bytes: (await stat(out)).size });
  }
  return { arch, staged, zips };
}
