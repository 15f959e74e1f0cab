import { createHash } from 'node:crypto';
import type { FileHandle } from 'node:fs/promises';

/**
 * The hash of a file's first `length` bytes. Inode numbers are reused after a delete, and a copytruncate copy has a
 * new inode but the same content, so identity is inode + device confirmed by this prefix hash. While a file is
 * shorter than the configured size the fingerprint covers its complete lines and grows with it.
 */
export interface Fingerprint {
  length: number;
  sha1: string;
}

export const EMPTY_FINGERPRINT: Fingerprint = { length: 0, sha1: '' };

export function formatFingerprint(fp: Fingerprint): string {
  return `${fp.length}:${fp.sha1}`;
}

export function parseFingerprint(text: string): Fingerprint {
  const m = /^(\d{1,9}):([0-9a-f]{40})?$/.exec(text);
  if (!m) throw new Error(`malformed fingerprint ${JSON.stringify(text)}`);
  return { length: Number(m[1]), sha1: m[2] ?? '' };
}

/** Read up to `length` bytes at offset 0 (fewer when the file is shorter). */
export async function readPrefix(fh: FileHandle, length: number, scratch: Buffer): Promise<Buffer> {
  const buf = scratch.length >= length ? scratch : Buffer.allocUnsafe(length);
  let got = 0;
  while (got < length) {
    const { bytesRead } = await fh.read(buf, got, length - got, got);
    if (bytesRead === 0) break;
    got += bytesRead;
  }
  return buf.subarray(0, got);
}

/**
 * Fingerprint of a file's first bytes `head` (all of them once maxBytes are known, else only its complete lines: a
 * partial first line such as `A-6` would also be the start of many other files, and a false match is worse than
 * none).
 */
export function fingerprintOfHead(head: Uint8Array, maxBytes: number): Fingerprint {
  const len = head.length >= maxBytes ? maxBytes : head.lastIndexOf(10) + 1;
  if (len === 0) return EMPTY_FINGERPRINT;
  return { length: len, sha1: createHash('sha1').update(head.subarray(0, len)).digest('hex') };
}

/** Fingerprint of the file's current first bytes (used when resuming at an offset: the head is not re-read). */
export async function fingerprintOf(fh: FileHandle, maxBytes: number, scratch: Buffer): Promise<Fingerprint> {
  return fingerprintOfHead(await readPrefix(fh, maxBytes, scratch), maxBytes);
}

/** Whether the file still starts with the bytes `fp` was taken from (an empty fingerprint matches anything). */
export async function fingerprintMatches(fh: FileHandle, fp: Fingerprint, scratch: Buffer): Promise<boolean> {
  if (fp.length === 0) return true;
  const prefix = await readPrefix(fh, fp.length, scratch);
  if (prefix.length < fp.length) return false;
  return createHash('sha1').update(prefix).digest('hex') === fp.sha1;
}
