import { createHash } from 'node:crypto';
import { ROLLBACK_DOMAIN, type RollbackDirective } from '../../../models/src/schema/rollback.ts';
import type { Queryable } from '../db/db.ts';
import type { Keyring } from './keys.ts';

/**
 * Signed rollback directives (docs/api.md, "Rollback"). Agents refuse any bundle older than the one they run, so a
 * plain lower version is never enough: a downgrade is installed only with a directive, signed by a pinned key, that
 * names the exact version being withdrawn (the agent's own), the exact target (version and sha256 of its signed
 * manifest), and an expiry. The signature covers DOMAIN + directiveJson, so a directive signature can never pass for
 * a manifest signature or the reverse, although the same key signs both.
 */

export interface SignedRollback {
  directiveJson: string;
  signature: { alg: 'ed25519'; keyId: string; value: string };
}

export const sha256Hex = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');

export function signRollback(keyring: Keyring, d: RollbackDirective): SignedRollback {
  const directiveJson = JSON.stringify(d);
  return { directiveJson, signature: keyring.sign(Buffer.from(ROLLBACK_DOMAIN + directiveJson, 'utf8')) };
}

/**
 * The rolled-back rollout that withdrew `version` on one of `channels` (newest first). Only such a version may be
 * left by a downgrade; any other lower offer stays refused by the agent. A bundle withdrawn on canary does not
 * authorise moving stable hosts off it.
 */
export async function withdrawingRollout(
  db: Queryable,
  version: string,
  channels: readonly string[],
): Promise<{ id: string; channel: string } | null> {
  const { rows } = await db.query<{ id: string; channel: string }>(
    `SELECT r.id, r.channel FROM rollouts r JOIN model_bundles b ON b.id = r.bundle_id
     WHERE b.version = $1 AND r.status = 'rolled_back' AND r.channel = ANY($2::text[])
     ORDER BY r.updated_at DESC, r.id DESC LIMIT 1`,
    [version, channels],
  );
  return rows[0] ?? null;
}

/**
 * The directive for one agent's bundle check: when the agent runs a withdrawn version and is offered another one,
 * authorise exactly that move. Signed per check with a short lifetime, so a captured directive cannot be replayed
 * later, and a key rotation applies at once. Null when no downgrade is authorised.
 */
export async function rollbackFor(
  db: Queryable,
  keyring: Keyring,
  offer: { version: string; manifestJson: string },
  agentChannel: string,
  current: string | undefined,
  now: number,
  ttlMs: number,
): Promise<SignedRollback | null> {
  if (!current || current === offer.version) return null;
  // a canary host with nothing of its own follows stable, so a stable rollback applies to it too
  const channels = agentChannel === 'canary' ? ['canary', 'stable'] : [agentChannel];
  const withdrawn = await withdrawingRollout(db, current, channels);
  if (!withdrawn) return null;
  return signRollback(keyring, {
    type: 'vigil-rollback',
    v: 1,
    rolloutId: withdrawn.id,
    channel: withdrawn.channel,
    withdrawn: [current],
    targetVersion: offer.version,
    targetManifestSha256: sha256Hex(offer.manifestJson),
    issuedAt: now,
    expiresAt: now + ttlMs,
  });
}
