import { createPublicKey, verify } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadKeyring, retireSigningKey, rotateSigningKey } from './keys.ts';

let dir: string;
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const verifies = (pem: string, data: string, sig: string) =>
  verify(null, Buffer.from(data), createPublicKey(pem), Buffer.from(sig, 'base64'));

describe('signing keyring', () => {
  it('generates a first key with mode 0600, rotates keeping old public keys, and retires them', () => {
    dir = mkdtempSync(path.join(tmpdir(), 'vigil-keys-'));
    const first = loadKeyring({ dir, keyId: 'k1', now: 1 });
    expect(statSync(path.join(dir, 'k1.pem')).mode & 0o777).toBe(0o600);
    const s1 = first.sign(Buffer.from('manifest'));
    expect(s1.keyId).toBe('k1');
    expect(loadKeyring({ dir }).activeKeyId).toBe('k1');

    rotateSigningKey(dir, 'k2', 2);
    const ring = loadKeyring({ dir });
    expect(ring.activeKeyId).toBe('k2');
    const keys = ring.publicKeys();
    expect(keys.map((k) => [k.keyId, k.active])).toEqual([
      ['k2', true],
      ['k1', false],
    ]);
    expect(verifies(keys[1].publicKeyPem, 'manifest', s1.value)).toBe(true);
    const s2 = ring.sign(Buffer.from('manifest'));
    expect(verifies(keys[0].publicKeyPem, 'manifest', s2.value)).toBe(true);
    expect(verifies(keys[1].publicKeyPem, 'manifest', s2.value)).toBe(false);

    expect(() => retireSigningKey(dir, 'k2')).toThrow(/active/);
    retireSigningKey(dir, 'k1');
    expect(
      loadKeyring({ dir })
        .publicKeys()
        .map((k) => k.keyId),
    ).toEqual(['k2']);
    expect(() => rotateSigningKey(dir, '../evil')).toThrow(/must match/);
  });

  it('takes the active key from a PEM and refuses a non-ed25519 one', () => {
    dir = mkdtempSync(path.join(tmpdir(), 'vigil-keys-'));
    const pem = rotateSigningKey(path.join(dir, 'a'), 'env1');
    const fromEnv = loadKeyring({ dir: path.join(dir, 'unused'), privateKeyPem: readPem(dir), keyId: 'env1' });
    expect(fromEnv.publicKeys()[0].publicKeyPem).toBe(pem.publicKeys()[0].publicKeyPem);
    expect(() => loadKeyring({ dir, privateKeyPem: 'not a pem' })).toThrow();
  });
});

const readPem = (dir: string) => readFileSync(path.join(dir, 'a', 'env1.pem'), 'utf8');
