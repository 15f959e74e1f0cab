import { randomBytes } from 'node:crypto';
import type { Queryable } from '../db/db.ts';
import { ApiError } from '../http/errors.ts';
import type { PreparedBundle } from './bundle-archive.ts';
import type { Keyring } from './keys.ts';

export interface BundleView {
  id: string;
  version: string;
  featureSchemaHash: string;
  archiveSha256: string;
  archiveSize: number;
  keyId: string | null;
  createdAt: number;
  createdBy: string;
}

export interface SignedBundle {
  id: string;
  version: string;
  signedManifest: string;
  signature: string;
  keyId: string;
  archiveSha256: string;
  archiveSize: number;
}

export const newRegistryId = (prefix: 'bdl' | 'rol' | 'apr') => `${prefix}_${randomBytes(12).toString('hex')}`;

export async function insertBundle(
  db: Queryable,
  b: PreparedBundle,
  keyring: Keyring,
  by: string,
  now: number,
): Promise<BundleView> {
  const sig = keyring.sign(Buffer.from(b.signedManifestJson, 'utf8'));
  const id = newRegistryId('bdl');
  const { rowCount } = await db.query(
    `INSERT INTO model_bundles (id, version, manifest, sha256, signature, key_id, created_at, created_by,
       signed_manifest, archive, archive_size)
     VALUES ($1, $2, $3::jsonb, $4, $5, $6, $7, $8, $9, $10, $11) ON CONFLICT (version) DO NOTHING`,
    [
      id,
      b.manifest.bundleVersion,
      JSON.stringify(b.manifest),
      b.archiveSha256,
      sig.value,
      sig.keyId,
      now,
      by,
      b.signedManifestJson,
      b.archive,
      b.archive.length,
    ],
  );
  if (rowCount === 0) {
    throw new ApiError(
      409,
      'bundle_exists',
      `bundle ${b.manifest.bundleVersion} already exists; versions are immutable`,
      'manifest.json',
    );
  }
  return {
    id,
    version: b.manifest.bundleVersion,
    featureSchemaHash: b.manifest.featureSchema.hash,
    archiveSha256: b.archiveSha256,
    archiveSize: b.archive.length,
    keyId: sig.keyId,
    createdAt: now,
    createdBy: by,
  };
}

interface BundleRow {
  id: string;
  version: string;
  fsh: string;
  sha256: string;
  archive_size: number;
  key_id: string | null;
  created_at: number;
  created_by: string;
}

const VIEW_COLUMNS = `id, version, manifest->'featureSchema'->>'hash' AS fsh, sha256, archive_size, key_id, created_at, created_by`;
const toView = (r: BundleRow): BundleView => ({
  id: r.id,
  version: r.version,
  featureSchemaHash: r.fsh,
  archiveSha256: r.sha256,
  archiveSize: r.archive_size,
  keyId: r.key_id,
  createdAt: r.created_at,
  createdBy: r.created_by,
});

export async function listBundles(db: Queryable): Promise<BundleView[]> {
  const { rows } = await db.query<BundleRow>(
    `SELECT ${VIEW_COLUMNS} FROM model_bundles WHERE archive IS NOT NULL ORDER BY created_at DESC, id DESC LIMIT 1000`,
  );
  return rows.map(toView);
}

export async function bundleByVersion(db: Queryable, version: string): Promise<BundleView | null> {
  const { rows } = await db.query<BundleRow>(
    `SELECT ${VIEW_COLUMNS} FROM model_bundles WHERE version = $1 AND archive IS NOT NULL`,
    [version],
  );
  return rows[0] ? toView(rows[0]) : null;
}

export async function signedBundle(db: Queryable, id: string): Promise<SignedBundle | null> {
  const { rows } = await db.query<{
    id: string;
    version: string;
    signed_manifest: string;
    signature: string;
    key_id: string;
    sha256: string;
    archive_size: number;
  }>('SELECT id, version, signed_manifest, signature, key_id, sha256, archive_size FROM model_bundles WHERE id = $1', [
    id,
  ]);
  const r = rows[0];
  if (!r) return null;
  return {
    id: r.id,
    version: r.version,
    signedManifest: r.signed_manifest,
    signature: r.signature,
    keyId: r.key_id,
    archiveSha256: r.sha256,
    archiveSize: r.archive_size,
  };
}

export async function bundleArchive(db: Queryable, version: string): Promise<Buffer | null> {
  const { rows } = await db.query<{ archive: Uint8Array }>('SELECT archive FROM model_bundles WHERE version = $1', [
    version,
  ]);
  return rows[0]?.archive ? Buffer.from(rows[0].archive) : null;
}

/**
 * After a key rotation, signs every stored manifest again with the active key so agents that pin only the new key
 * can verify; the old key stays listed for agents that have not updated their pin yet. Returns how many changed.
 */
export async function resignBundles(db: Queryable, keyring: Keyring): Promise<number> {
  const { rows } = await db.query<{ id: string; signed_manifest: string }>(
    'SELECT id, signed_manifest FROM model_bundles WHERE signed_manifest IS NOT NULL AND key_id IS DISTINCT FROM $1',
    [keyring.activeKeyId],
  );
  for (const r of rows) {
    const sig = keyring.sign(Buffer.from(r.signed_manifest, 'utf8'));
    await db.query('UPDATE model_bundles SET signature = $2, key_id = $3 WHERE id = $1', [r.id, sig.value, sig.keyId]);
  }
  return rows.length;
}
