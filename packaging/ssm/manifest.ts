import { type Arch, DISTRIBUTOR_ARCH } from '../sea/elf.ts';
import { PLATFORMS, type Platform, zipName } from './platforms.ts';

/** An AWS Systems Manager Distributor package manifest (schemaVersion 2.0). */
export interface DistributorManifest {
  schemaVersion: '2.0';
  version: string;
  publisher: string;
  packages: Record<string, Record<string, Record<string, { file: string }>>>;
  files: Record<string, { checksums: { sha256: string } }>;
}

export interface BuiltZip {
  platform: Platform['id'];
  arch: Arch;
  file: string;
  sha256: string;
}

/** Distributor version names: letters, digits, `_`, `-`, `.` (1-128). */
const VERSION = /^[A-Za-z0-9_.-]{1,128}$/;
const FILE = /^[A-Za-z0-9_.-]{1,128}\.zip$/;

/** The manifest for the zips that were built: every platform version and architecture points at its zip. */
export function distributorManifest(version: string, zips: BuiltZip[], publisher = 'Vigil'): DistributorManifest {
  if (!VERSION.test(version))
    throw new Error(`package version ${JSON.stringify(version)} is not a Distributor version`);
  const packages: DistributorManifest['packages'] = {};
  const files: DistributorManifest['files'] = {};
  for (const z of zips) {
    if (z.file !== zipName(version, z.platform, z.arch)) throw new Error(`unexpected zip name ${z.file}`);
    if (!/^[0-9a-f]{64}$/.test(z.sha256)) throw new Error(`${z.file}: sha256 must be 64 lowercase hex digits`);
    const platform = PLATFORMS.find((p) => p.id === z.platform);
    if (!platform) throw new Error(`unknown platform ${z.platform}`);
    packages[z.platform] ??= {};
    for (const v of platform.versions) {
      packages[z.platform][v] ??= {};
      packages[z.platform][v][DISTRIBUTOR_ARCH[z.arch]] = { file: z.file };
    }
    files[z.file] = { checksums: { sha256: z.sha256 } };
  }
  if (zips.length === 0) throw new Error('a Distributor package needs at least one zip');
  if (zips.length > 20) throw new Error(`Distributor attaches at most 20 files per package, got ${zips.length}`);
  return { schemaVersion: '2.0', version, publisher, packages, files };
}

/** Structural check of a manifest read back from disk (publish refuses anything else). Returns the problems. */
export function manifestProblems(value: unknown): string[] {
  const problems: string[] = [];
  const m = value as Partial<DistributorManifest> | null;
  if (typeof m !== 'object' || m === null) return ['manifest is not a JSON object'];
  if (m.schemaVersion !== '2.0') problems.push('schemaVersion must be "2.0"');
  if (typeof m.version !== 'string' || !VERSION.test(m.version))
    problems.push('version must match [A-Za-z0-9_.-]{1,128}');
  const files = typeof m.files === 'object' && m.files !== null ? m.files : {};
  for (const [name, spec] of Object.entries(files)) {
    if (!FILE.test(name)) problems.push(`files: ${JSON.stringify(name.slice(0, 64))} is not a plain .zip file name`);
    if (!/^[0-9a-f]{64}$/.test(spec?.checksums?.sha256 ?? ''))
      problems.push(`files.${name}.checksums.sha256 is not a sha256`);
  }
  if (Object.keys(files).length === 0) problems.push('files must list at least one zip');
  const packages = typeof m.packages === 'object' && m.packages !== null ? m.packages : {};
  for (const [platform, versions] of Object.entries(packages))
    for (const [v, arches] of Object.entries(versions ?? {}))
      for (const [arch, entry] of Object.entries(arches ?? {}))
        if (!entry || !Object.hasOwn(files, entry.file))
          problems.push(`packages.${platform}.${v}.${arch}.file must name a file listed in files`);
  if (Object.keys(packages).length === 0) problems.push('packages must name at least one platform');
  return problems;
}
