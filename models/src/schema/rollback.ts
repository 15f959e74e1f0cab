/**
 * The signed rollback directive (docs/api.md, "Rollback"): the one contract the registry signs and the agent checks.
 * The signature covers ROLLBACK_DOMAIN + the directive's JSON, so a directive signature can never pass for a
 * manifest signature or the reverse, although the same key signs both.
 */
export const ROLLBACK_DOMAIN = 'vigil-rollback-directive/v1\n';

export interface RollbackDirective {
  type: 'vigil-rollback';
  v: 1;
  /** The rollout whose rollback this is (audit trail: POST /v1/rollouts/{id}/rollback). */
  rolloutId: string;
  channel: string;
  /** Versions this directive moves a host away from: exactly the version the requesting agent runs. */
  withdrawn: string[];
  targetVersion: string;
  /** sha256 (hex) of the target's signed manifest string, the exact `manifestJson` of the offer. */
  targetManifestSha256: string;
  issuedAt: number;
  expiresAt: number;
}
