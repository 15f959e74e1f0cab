import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { type DistributorManifest, manifestProblems } from '../ssm/manifest.ts';

export interface PackageFile {
  name: string;
  path: string;
  bytes: number;
  sha256: string;
}

export interface PackageDir {
  dir: string;
  manifest: DistributorManifest;
  /** manifest.json's exact text: it becomes the document content. */
  content: string;
  files: PackageFile[];
}

/** Reads dist/packages: manifest.json must be well formed and every zip it lists present with its sha256. */
export async function readPackageDir(dir: string): Promise<PackageDir> {
  const manifestPath = path.join(dir, 'manifest.json');
  let content: string;
  try {
    content = await readFile(manifestPath, 'utf8');
  } catch (err) {
    throw new Error(`${manifestPath}: cannot read (${(err as NodeJS.ErrnoException).code}); run npm run package first`);
  }
  let manifest: DistributorManifest;
  try {
    manifest = JSON.parse(content);
  } catch (err) {
    throw new Error(`${manifestPath}: not JSON (${(err as Error).message})`);
  }
  const problems = manifestProblems(manifest);
  if (problems.length > 0) throw new Error(`${manifestPath}: ${problems.join('; ')}`);
  const files: PackageFile[] = [];
  for (const [name, spec] of Object.entries(manifest.files)) {
    const file = path.join(dir, name);
    const sha256 = await sha256Of(file).catch((err: NodeJS.ErrnoException) => {
      throw new Error(`${file}: listed in manifest.json but cannot be read (${err.code ?? err.message})`);
    });
    if (sha256 !== spec.checksums.sha256)
      throw new Error(`${file}: sha256 ${sha256} does not match manifest.json (${spec.checksums.sha256})`);
    files.push({ name, path: file, bytes: (await stat(file)).size, sha256 });
  }
  return { dir, manifest, content, files };
}

function sha256Of(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const h = createHash('sha256');
    createReadStream(file)
      .on('data', (c) => h.update(c))
      .on('error', reject)
      .on('end', () => resolve(h.digest('hex')));
  });
}
