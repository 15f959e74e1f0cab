import { describe, expect, it } from 'vitest';
import { distributorManifest, manifestProblems } from './manifest.ts';
import { packageEnv } from './package.ts';
import { PLATFORMS, zipName } from './platforms.ts';

const sha = 'a'.repeat(64);

describe('Distributor manifest', () => {
  it('maps every platform version and architecture to its zip, with checksums', () => {
    const zips = PLATFORMS.flatMap((p) =>
      (['x64', 'arm64'] as const).map((arch) => ({
        platform: p.id,
        arch,
        file: zipName('1.0.0', p.id, arch),
        sha256: sha,
      })),
    );
    const m = distributorManifest('1.0.0', zips);
    expect(m.schemaVersion).toBe('2.0');
    expect(m.packages.amazon['2023']).toEqual({
      x86_64: { file: 'vigil-agent_1.0.0_amazon_x86_64.zip' },
      arm64: { file: 'vigil-agent_1.0.0_amazon_arm64.zip' },
    });
    expect(m.packages.amazon['2']).toBeUndefined(); // glibc 2.26: Node 24 cannot run there
    expect(m.packages.ubuntu._any.arm64.file).toBe('vigil-agent_1.0.0_ubuntu_arm64.zip');
    expect(Object.keys(m.files)).toHaveLength(6);
    expect(manifestProblems(JSON.parse(JSON.stringify(m)))).toEqual([]);
  });

  it('refuses bad versions and names every structural problem', () => {
    expect(() => distributorManifest('1.0 beta', [])).toThrow(/not a Distributor version/);
    expect(
      manifestProblems({
        schemaVersion: '1.0',
        version: 'x',
        packages: { ubuntu: { _any: { x86_64: { file: 'y.zip' } } } },
        files: { '../y.zip': { checksums: { sha256: 'z' } } },
      }),
    ).toEqual([
      'schemaVersion must be "2.0"',
      'files: "../y.zip" is not a plain .zip file name',
      'files.../y.zip.checksums.sha256 is not a sha256',
      'packages.ubuntu._any.x86_64.file must name a file listed in files',
    ]);
  });

  it('writes package.env only with shell-inert values', () => {
    const env = packageEnv({ version: '1.0.0', commit: 'abc123-dirty' }, PLATFORMS[1], 'arm64');
    expect(env).toContain("VIGIL_ARCH='arm64'\n");
    expect(env).toContain("VIGIL_AUTH_LOG='/var/log/auth.log'\n");
    expect(() => packageEnv({ version: '1.0.0', commit: "x'; rm -rf /" }, PLATFORMS[0], 'x64')).toThrow(/VIGIL_COMMIT/);
  });
});
