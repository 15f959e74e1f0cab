import { createHash, type KeyObject, verify } from 'node:crypto';
import { ROLLBACK_DOMAIN, type RollbackDirective } from '../../../models/src/schema/rollback.ts';
import type { BundleOffer } from './signed-bundle.ts';

export type { RollbackDirective };

/**
 * Signed rollback directives (docs/api.md, "Rollback"). The agent installs a bundle older than the one it runs only
 * when the offer carries a directive that a pinned key signed over DOMAIN + directiveJson, that names the version
 * this agent runs as withdrawn, that names exactly the offered target (version and sha256 of its signed manifest),
 * and that has not expired. A plain lower version, a directive for another version, a replayed directive after its
 * expiry, or a manifest signature passed off as a directive (the domain prefix differs) is refused.
 */
/** Directives are signed per bundle check for about a day; a longer one is not something our server issues. */
const MAX_LIFETIME_MS = 7 * 86_400_000;

export interface RollbackAuthorization {
  directiveJson: string;
  signature: { alg: string; keyId: string; value: string };
}

const isStr = (v: unknown, max: number): v is string => typeof v === 'string' && v.length > 0 && v.length <= max;

/** Shape of the optional `rollback` member of an offer; the reason it is unusable, or null. */
export function rollbackProblem(r: unknown): string | null {
  if (r === undefined) return null;
  const x = r as Partial<RollbackAuthorization> | null;
  if (!x || typeof x !== 'object') return 'rollback is not an object';
  if (!isStr(x.directiveJson, 8192)) return 'rollback.directiveJson missing';
  const s = x.signature;
  if (!s || !isStr(s.alg, 16) || !isStr(s.keyId, 128) || !isStr(s.value, 256)) return 'rollback.signature missing';
  return null;
}

function verifySignature(r: RollbackAuthorization, keys: Map<string, KeyObject>): void {
  if (r.signature.alg !== 'ed25519') throw new Error(`rollback signature alg ${JSON.stringify(r.signature.alg)}`);
  const key = keys.get(r.signature.keyId);
  if (!key) throw new Error(`rollback keyId ${JSON.stringify(r.signature.keyId)} is not pinned in the agent config`);
  const sig = Buffer.from(r.signature.value, 'base64');
  if (sig.length !== 64 || !verify(null, Buffer.from(ROLLBACK_DOMAIN + r.directiveJson, 'utf8'), key, sig)) {
    throw new Error(`bad ed25519 signature on the rollback directive (key ${r.signature.keyId})`);
  }
}

/**
 * Decides whether `offer` (already verified: its manifest signature checked out) may replace the newer `running`
 * version. Returns the directive, or throws naming what is wrong. Nothing in directiveJson is read before its
 * signature checks out.
 */
export function authorizeRollback(
  offer: BundleOffer,
  running: string,
  keys: Map<string, KeyObject>,
  now: number,
): RollbackDirective {
  if (!offer.rollback)
    throw new Error(`refused downgrade ${running} -> ${offer.version}: no signed rollback directive`);
  verifySignature(offer.rollback, keys);
  let d: RollbackDirective;
  try {
    d = JSON.parse(offer.rollback.directiveJson) as RollbackDirective;
  } catch {
    throw new Error('rollback directive is not JSON');
  }
  if (d?.type !== 'vigil-rollback' || d.v !== 1) throw new Error('rollback directive has an unknown type or version');
  if (d.targetVersion !== offer.version) {
    throw new Error(`rollback directive targets ${JSON.stringify(d.targetVersion)}, the offer is ${offer.version}`);
  }
  const manifestSha = createHash('sha256').update(offer.manifestJson, 'utf8').digest('hex');
  if (d.targetManifestSha256 !== manifestSha) throw new Error('rollback directive names another signed manifest');
  if (!Array.isArray(d.withdrawn) || !d.withdrawn.includes(running)) {
    throw new Error(`rollback directive does not withdraw the running version ${running}`);
  }
  if (!Number.isFinite(d.issuedAt) || !Number.isFinite(d.expiresAt) || d.expiresAt - d.issuedAt > MAX_LIFETIME_MS) {
    throw new Error('rollback directive has no valid lifetime');
  }
  if (now >= d.expiresAt) throw new Error(`rollback directive expired at ${new Date(d.expiresAt).toISOString()}`);
  return d;
}
