import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { type BundleManifest, MANIFEST_FILE, type ModelEntry, validateManifest } from './manifest.ts';

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Thrown when a bundle is unreadable, tampered with, or built for other features. Names the file. */
export class BundleError extends Error {
  override name = 'BundleError';
}

export interface BundleModelInput extends Omit<ModelEntry, 'sha256' | 'explainer'> {
  bytes: Uint8Array;
  explainer?: { format: 'xgboost-binary'; file: string; bytes: Uint8Array };
}

export interface BundleSpec extends Omit<BundleManifest, 'models' | 'createdAt' | 'manifestVersion'> {
  models: BundleModelInput[];
  /** Defaults to now. Pass a fixed value for reproducible bundles. */
  createdAt?: string;
}

async function writeAtomically(file: string, data: Uint8Array | string): Promise<void> {
  const tmp = `${file}.tmp-${process.pid}`;
  await writeFile(tmp, data);
  await rename(tmp, file);
}

/**
 * Write the model files and then manifest.json (last, atomically: a bundle without a manifest is incomplete,
 * never half-valid). The manifest is validated before anything is written.
 */
export async function writeBundle(dir: string, spec: BundleSpec): Promise<BundleManifest> {
  const models: ModelEntry[] = spec.models.map(({ bytes, explainer, ...entry }) => ({
    ...entry,
    sha256: sha256Hex(bytes),
    ...(explainer
      ? { explainer: { format: explainer.format, file: explainer.file, sha256: sha256Hex(explainer.bytes) } }
      : {}),
  }));
  const manifest = validateManifest(
    {
      manifestVersion: 1,
      bundleVersion: spec.bundleVersion,
      createdAt: spec.createdAt ?? new Date().toISOString(),
      featureSchema: spec.featureSchema,
      models,
      thresholds: spec.thresholds,
      labelSet: spec.labelSet,
      trainingSeed: spec.trainingSeed,
    },
    `bundle ${path.join(dir, MANIFEST_FILE)}`,
  );
  await mkdir(dir, { recursive: true });
  for (const m of spec.models) {
    await writeAtomically(path.join(dir, m.file), m.bytes);
    if (m.explainer) await writeAtomically(path.join(dir, m.explainer.file), m.explainer.bytes);
  }
  await writeAtomically(path.join(dir, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}

/** Read and validate manifest.json, with errors that name the file and the bad key. */
export async function readManifest(dir: string): Promise<BundleManifest> {
  const file = path.join(dir, MANIFEST_FILE);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new BundleError(`bundle ${file}: cannot read manifest (${(err as NodeJS.ErrnoException).code ?? err})`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new BundleError(`bundle ${file}: not valid JSON (${(err as Error).message})`);
  }
  return validateManifest(json, `bundle ${file}`);
}

/** Read a file the manifest names and check its sha256. File names were validated as plain names. */
export async function readVerifiedFile(dir: string, file: string, sha256: string): Promise<Uint8Array> {
  const full = path.join(dir, file);
  let bytes: Uint8Array;
  try {
    bytes = await readFile(full);
  } catch (err) {
    throw new BundleError(`bundle file ${full}: cannot read (${(err as NodeJS.ErrnoException).code ?? err})`);
  }
  const actual = sha256Hex(bytes);
  if (actual !== sha256) {
    throw new BundleError(`bundle file ${full}: sha256 ${actual} does not match the manifest's ${sha256}`);
  }
  return bytes;
}

/** Refuse a bundle whose features were computed by a different feature implementation. */
export function checkFeatureHash(dir: string, manifest: BundleManifest, expectedFeatureHash: string): void {
  if (manifest.featureSchema.hash === expectedFeatureHash) return;
  throw new BundleError(
    `bundle ${path.join(dir, MANIFEST_FILE)}: feature schema hash mismatch: the bundle was trained with ` +
      `${manifest.featureSchema.hash} (schema version ${manifest.featureSchema.version}) but this build computes ` +
      `${expectedFeatureHash}. Retrain the bundle with this build, or run the build that matches it.`,
  );
}
