import { gunzipSync, gzipSync } from 'node:zlib';
import { sha256Hex } from '../../../models/src/onnx/bundle.ts';
import type { BundleManifest } from '../../../models/src/onnx/manifest.ts';
import { MANIFEST_FILE, validateManifest } from '../../../models/src/onnx/manifest.ts';
import { readTar, writeTar } from '../../../models/src/util/tar.ts';
import { ApiError } from '../http/errors.ts';

/** What agents verify: the exact JSON string is signed (docs/api.md GET /v1/agents/bundle). */
export interface SignedManifest {
  version: string;
  featureSchemaHash: string;
  files: { path: string; sha256: string; size: number }[];
}

export interface PreparedBundle {
  manifest: BundleManifest;
  signedManifestJson: string;
  archive: Buffer;
  archiveSha256: string;
}

const GZIP_MAGIC = [0x1f, 0x8b];
const invalid = (message: string, field = 'body') => new ApiError(400, 'invalid_bundle', message, field);

function untar(body: Buffer, maxBytes: number): { name: string; data: Buffer }[] {
  let tar = body;
  if (body[0] === GZIP_MAGIC[0] && body[1] === GZIP_MAGIC[1]) {
    try {
      tar = gunzipSync(body, { maxOutputLength: maxBytes });
    } catch (err) {
      throw invalid(`not a readable gzip stream: ${(err as Error).message}`);
    }
  }
  try {
    return readTar(tar);
  } catch (err) {
    throw invalid((err as Error).message);
  }
}

function filesOf(m: BundleManifest): { file: string; sha256: string; at: string }[] {
  return m.models.flatMap((e, i) => [
    { file: e.file, sha256: e.sha256, at: `models.${i}.file` },
    ...(e.explainer ? [{ file: e.explainer.file, sha256: e.explainer.sha256, at: `models.${i}.explainer.file` }] : []),
  ]);
}

/**
 * Checks an uploaded bundle archive (ustar, optionally gzipped, flat: manifest.json + the files it lists) and
 * builds what is stored: the validated manifest, the signed distribution manifest and a canonical tar.gz. Every
 * file must match its manifest sha256; a mismatch, a missing file or an unlisted file is refused by name.
 */
export function prepareBundle(body: Buffer, maxBytes: number): PreparedBundle {
  const entries = untar(body, maxBytes);
  const byName = new Map(entries.map((e) => [e.name, e.data]));
  const manifestBytes = byName.get(MANIFEST_FILE);
  if (!manifestBytes) throw invalid(`archive has no ${MANIFEST_FILE}`);
  let json: unknown;
  try {
    json = JSON.parse(manifestBytes.toString('utf8'));
  } catch (err) {
    throw invalid(`${MANIFEST_FILE} is not JSON: ${(err as Error).message}`, MANIFEST_FILE);
  }
  let manifest: BundleManifest;
  try {
    manifest = validateManifest(json, MANIFEST_FILE);
  } catch (err) {
    throw invalid((err as Error).message, MANIFEST_FILE);
  }
  const listed = filesOf(manifest);
  for (const f of listed) {
    const data = byName.get(f.file);
    if (!data) throw invalid(`archive lacks ${f.file} (listed at ${f.at})`, f.file);
    const actual = sha256Hex(data);
    if (actual !== f.sha256) {
      throw invalid(`file ${f.file}: sha256 ${actual} does not match the manifest's ${f.sha256}`, f.file);
    }
  }
  const allowed = new Set([MANIFEST_FILE, ...listed.map((f) => f.file)]);
  const extra = entries.find((e) => !allowed.has(e.name));
  if (extra) throw invalid(`archive holds ${extra.name}, which ${MANIFEST_FILE} does not list`, extra.name);
  const ordered = [MANIFEST_FILE, ...listed.map((f) => f.file)].map((name) => ({ name, data: byName.get(name)! }));
  const signed: SignedManifest = {
    version: manifest.bundleVersion,
    featureSchemaHash: manifest.featureSchema.hash,
    files: ordered.map((f) => ({ path: f.name, sha256: sha256Hex(f.data), size: f.data.length })),
  };
  const archive = gzipSync(writeTar(ordered), { level: 9 });
  return { manifest, signedManifestJson: JSON.stringify(signed), archive, archiveSha256: sha256Hex(archive) };
}
