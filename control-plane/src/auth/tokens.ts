import { createHash, randomBytes } from 'node:crypto';

/**
 * Bearer secrets: a kind prefix + 32 random bytes in base64url (43 chars). The prefix lets the server route a
 * credential to the right table without a lookup, and lets secret scanners recognise a leaked one.
 *
 * Stored as SHA-256 without salt, on purpose. Salts and slow hashes (bcrypt, scrypt, argon2) protect low-entropy,
 * human-chosen passwords from dictionary and precomputed attacks. These secrets are 256 uniformly random bits: no
 * dictionary or rainbow table covers them, and inverting SHA-256 would take ~2^256 work. A deterministic hash also
 * makes lookup one indexed equality query, and the comparison happens inside the index on the digest, so response
 * timing reveals nothing about the secret.
 */
export const TOKEN_PREFIX = { agent: 'vgl_ag_', operator: 'vgl_op_', enrollment: 'vgl_en_' } as const;
export type TokenKind = keyof typeof TOKEN_PREFIX;

const SECRET_BODY = /^[A-Za-z0-9_-]{43}$/;
const SECRET_LENGTH = 7 + 43;

export function newSecret(kind: TokenKind): string {
  return TOKEN_PREFIX[kind] + randomBytes(32).toString('base64url');
}

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

/** The kind of a well-formed secret, or null (wrong length, prefix or alphabet). */
export function secretKind(secret: string): TokenKind | null {
  if (secret.length !== SECRET_LENGTH || !SECRET_BODY.test(secret.slice(7))) return null;
  for (const kind of Object.keys(TOKEN_PREFIX) as TokenKind[]) {
    if (secret.startsWith(TOKEN_PREFIX[kind])) return kind;
  }
  return null;
}

/** Non-secret identifiers: `agt_3f9c…`. */
export function newId(prefix: 'agt' | 'crd' | 'enr' | 'tok' | 'opr' | 'alr' | 'inc' | 'fbk'): string {
  return `${prefix}_${randomBytes(12).toString('hex')}`;
}

export const ROLES = ['viewer', 'operator', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export function roleAllows(role: Role, required: Role): boolean {
  return ROLES.indexOf(role) >= ROLES.indexOf(required);
}
