import { createHash, type KeyObject, verify } from 'node:crypto';
import { type RollbackAuthorization, rollbackProblem } from './rollback.ts';

/** GET /v1/agents/bundle 200 body (docs/api.md). */
export interface BundleOffer {
  channel: string;
  version: string;
  manifestJson: string;
  signature: { alg: string; keyId: string; value: string };
  download: { url: string; sha256: string; size: number };
  /** Present when the server authorises moving this agent off a withdrawn version (rollback.ts). */
  rollback?: RollbackAuthorization;
}

/** The signed manifest: what the archive must contain. */
export interface SignedManifest {
  version: string;
  featureSchemaHash: string;
  files: { path: string; sha256: string; size: number }[];
}

const PLAIN_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
const HEX64 = /^[0-9a-f]{64}$/;
export const MAX_BUNDLE_BYTES = 256 * 1024 * 1024;

const isStr = (v: unknown, max = 4096): v is string => typeof v === 'string' && v.length > 0 && v.length <= max;

/** Checks the offer's shape; returns the reason it is unusable, or null. */
export function offerProblem(o: unknown): string | null {
  const b = o as Partial<BundleOffer> | null;
  if (!b || typeof b !== 'object') return 'response is not an object';
  if (!isStr(b.version, 64)) return 'version missing';
  if (!isStr(b.manifestJson, 1 << 20)) return 'manifestJson missing';
  if (!b.signature || !isStr(b.signature.alg, 16) || !isStr(b.signature.keyId, 128) || !isStr(b.signature.value, 256))
    return 'signature missing';
  const d = b.download;
  if (!d || !isStr(d.url, 8192) || !isStr(d.sha256, 64) || !HEX64.test(d.sha256)) return 'download missing';
  if (!Number.isInteger(d.size) || d.size <= 0 || d.size > MAX_BUNDLE_BYTES)
    return `download.size must be 1..${MAX_BUNDLE_BYTES}`;
  return rollbackProblem(b.rollback);
}

/**
 * Verifies the ed25519 signature over the exact bytes of manifestJson with a pinned key, then parses the manifest.
 * Nothing in manifestJson is looked at before the signature checks out.
 */
export function verifyOffer(offer: BundleOffer, keys: Map<string, KeyObject>): SignedManifest {
  if (offer.signature.alg !== 'ed25519')
    throw new Error(`signature alg ${JSON.stringify(offer.signature.alg)} is not ed25519`);
  const key = keys.get(offer.signature.keyId);
  if (!key)
    throw new Error(`signature keyId ${JSON.stringify(offer.signature.keyId)} is not pinned in the agent config`);
  const sig = Buffer.from(offer.signature.value, 'base64');
  if (sig.length !== 64 || !verify(null, Buffer.from(offer.manifestJson, 'utf8'), key, sig)) {
    throw new Error(`bad ed25519 signature on bundle ${offer.version} (key ${offer.signature.keyId})`);
  }
  let m: SignedManifest;
  try {
    m = JSON.parse(offer.manifestJson) as SignedManifest;
  } catch {
    throw new Error('signed manifest is not JSON');
  }
  if (m.version !== offer.version)
    throw new Error(`signed manifest version ${JSON.stringify(m.version)} differs from offered ${offer.version}`);
  if (!isStr(m.featureSchemaHash, 200)) throw new Error('signed manifest has no featureSchemaHash');
  if (!Array.isArray(m.files) || m.files.length === 0 || m.files.length > 256)
    throw new Error('signed manifest files must list 1-256 files');
  const names = new Set<string>();
  for (const [i, f] of m.files.entries()) {
    if (!f || !PLAIN_NAME.test(f.path ?? '') || names.has(f.path))
      throw new Error(`signed manifest files.${i}.path is not a unique plain file name`);
    if (!HEX64.test(f.sha256 ?? '') || !Number.isInteger(f.size) || f.size < 0)
      throw new Error(`signed manifest files.${i} needs sha256 and size`);
    names.add(f.path);
  }
  return m;
}

/** Every archive file must be in the signed manifest with its size and sha256, and every listed file present. */
export function checkFiles(m: SignedManifest, files: { name: string; data: Buffer }[]): void {
  const byName = new Map(files.map((f) => [f.name, f]));
  for (const f of files)
    if (!m.files.some((x) => x.path === f.name))
      throw new Error(`archive holds ${f.name}, which the signed manifest does not list`);
  for (const want of m.files) {
    const got = byName.get(want.path);
    if (!got) throw new Error(`archive lacks ${want.path}`);
    const sha = createHash('sha256').update(got.data).digest('hex');
    if (got.data.length !== want.size || sha !== want.sha256)
      throw new Error(`archive file ${want.path} does not match the signed manifest (sha256 ${sha})`);
  }
}
