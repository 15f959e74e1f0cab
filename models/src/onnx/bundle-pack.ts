import { readFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { writeTar } from '../util/tar.ts';
import { sha256Hex } from './bundle.ts';
import { type BundleManifest, MANIFEST_FILE, validateManifest } from './manifest.ts';

/*
 * A bundle directory packed as the registry takes it (POST /v1/bundles): a gzipped ustar of manifest.json and exactly
 * the files it lists (the registry refuses unlisted files, so the model card and other extras stay out).
 */

/** The files a manifest lists, in manifest order, after the manifest itself. */
export function listedFiles(m: BundleManifest): string[] {
  return m.models.flatMap((e) => [e.file, ...(e.explainer ? [e.explainer.file] : [])]);
}

/** Builds the upload body, checking every listed file against its sha256 first (a bad file names itself). */
export function packBundleDir(dir: string): { manifest: BundleManifest; archive: Buffer } {
  const manifestBytes = readFileSync(path.join(dir, MANIFEST_FILE));
  const manifest = validateManifest(JSON.parse(manifestBytes.toString('utf8')), path.join(dir, MANIFEST_FILE));
  const expected = new Map(
    manifest.models.flatMap((e) => [
      [e.file, e.sha256] as const,
      ...(e.explainer ? [[e.explainer.file, e.explainer.sha256] as const] : []),
    ]),
  );
  const files = [{ name: MANIFEST_FILE, data: manifestBytes }];
  for (const name of listedFiles(manifest)) {
    const data = readFileSync(path.join(dir, name));
    if (sha256Hex(data) !== expected.get(name))
      throw new Error(`${path.join(dir, name)}: sha256 does not match the manifest`);
    files.push({ name, data });
  }
  return { manifest, archive: gzipSync(writeTar(files), { level: 9 }) };
}
