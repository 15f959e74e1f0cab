import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * The ed25519 keyring that signs bundle manifests. One active private key signs; every public key ever active stays
 * listed (GET /v1/keys) until an operator retires it, so agents pinned to the old key keep verifying during a
 * rotation. Private keys live in files of mode 0600 under <dataDir>/signing-keys, or come from the environment.
 */
export interface PublicKeyInfo {
  keyId: string;
  alg: 'ed25519';
  publicKeyPem: string;
  createdAt: number;
  active: boolean;
}

export interface Keyring {
  activeKeyId: string;
  sign(data: Buffer): { alg: 'ed25519'; keyId: string; value: string };
  publicKeys(): PublicKeyInfo[];
}

interface KeyringFile {
  active: string;
  keys: { keyId: string; publicKeyPem: string; createdAt: number }[];
}

const KEY_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const INDEX = 'keyring.json';

function writePrivate(file: string, data: string): void {
  const tmp = `${file}.tmp`;
  writeFileSync(tmp, data, { mode: 0o600 });
  chmodSync(tmp, 0o600);
  renameSync(tmp, file);
}

function checkKeyId(keyId: string): string {
  if (!KEY_ID.test(keyId)) throw new Error(`signing key id ${JSON.stringify(keyId)} must match ${KEY_ID.source}`);
  return keyId;
}

function asEd25519(pem: string, where: string): KeyObject {
  const key = createPrivateKey(pem);
  if (key.asymmetricKeyType !== 'ed25519') throw new Error(`${where}: not an ed25519 private key`);
  return key;
}

function makeKeyring(active: string, priv: KeyObject, listed: KeyringFile['keys']): Keyring {
  return {
    activeKeyId: active,
    sign: (data) => ({ alg: 'ed25519', keyId: active, value: sign(null, data, priv).toString('base64') }),
    publicKeys: () => listed.map((k) => ({ ...k, alg: 'ed25519' as const, active: k.keyId === active })).reverse(),
  };
}

/** A new key `keyId` becomes the active signer; earlier public keys stay listed. Creates the directory if needed. */
export function rotateSigningKey(dir: string, keyId: string, now: number = Date.now()): Keyring {
  checkKeyId(keyId);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const index = readIndex(dir);
  if (index?.keys.some((k) => k.keyId === keyId)) throw new Error(`signing key ${keyId} already exists in ${dir}`);
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  writePrivate(path.join(dir, `${keyId}.pem`), privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
  const publicKeyPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
  const next: KeyringFile = { active: keyId, keys: [...(index?.keys ?? []), { keyId, publicKeyPem, createdAt: now }] };
  writePrivate(path.join(dir, INDEX), `${JSON.stringify(next, null, 2)}\n`);
  return makeKeyring(keyId, privateKey, next.keys);
}

/** Drops a retired public key from the list (never the active one). */
export function retireSigningKey(dir: string, keyId: string): void {
  const index = readIndex(dir);
  if (!index) throw new Error(`no keyring in ${dir}`);
  if (index.active === keyId) throw new Error(`key ${keyId} is active: rotate to a new key first`);
  const keys = index.keys.filter((k) => k.keyId !== keyId);
  if (keys.length === index.keys.length) throw new Error(`no key ${keyId} in ${dir}`);
  writePrivate(path.join(dir, INDEX), `${JSON.stringify({ ...index, keys }, null, 2)}\n`);
}

function readIndex(dir: string): KeyringFile | null {
  const file = path.join(dir, INDEX);
  if (!existsSync(file)) return null;
  const parsed = JSON.parse(readFileSync(file, 'utf8')) as KeyringFile;
  if (typeof parsed?.active !== 'string' || !Array.isArray(parsed.keys)) throw new Error(`${file}: not a keyring`);
  return parsed;
}

export interface KeyringOptions {
  /** Directory of the file keyring (generated on first start). */
  dir: string;
  /** PEM of the active private key from the environment instead of the directory (VIGIL_SIGNING_KEY_PEM). */
  privateKeyPem?: string;
  keyId?: string;
  /** Extra public keys to keep listing (previous keys when the private key comes from the environment). */
  extraPublicKeys?: { keyId: string; publicKeyPem: string; createdAt?: number }[];
  now?: number;
}

/** Loads the keyring: from the environment PEM when given, else from `dir`, generating a first key there if empty. */
export function loadKeyring(opts: KeyringOptions): Keyring {
  const now = opts.now ?? Date.now();
  const extra = (opts.extraPublicKeys ?? []).map((k) => ({
    ...k,
    keyId: checkKeyId(k.keyId),
    createdAt: k.createdAt ?? 0,
  }));
  if (opts.privateKeyPem) {
    const keyId = checkKeyId(opts.keyId ?? 'vigil-env');
    const priv = asEd25519(opts.privateKeyPem, 'VIGIL_SIGNING_KEY_PEM');
    const publicKeyPem = createPublicKey(priv).export({ type: 'spki', format: 'pem' }).toString();
    return makeKeyring(keyId, priv, [
      ...extra.filter((k) => k.keyId !== keyId),
      { keyId, publicKeyPem, createdAt: now },
    ]);
  }
  const index = readIndex(opts.dir);
  if (!index) return rotateSigningKey(opts.dir, opts.keyId ?? `vigil-${new Date(now).toISOString().slice(0, 10)}`, now);
  const file = path.join(opts.dir, `${checkKeyId(index.active)}.pem`);
  const priv = asEd25519(readFileSync(file, 'utf8'), file);
  return makeKeyring(index.active, priv, [...extra, ...index.keys]);
}
