import { createHash } from 'node:crypto';
import { type FileHandle, open, readdir } from 'node:fs/promises';
import path from 'node:path';
import { type Fingerprint, fingerprintMatches, readPrefix } from './fingerprint.ts';
import { isCompressedName, isRotatedName } from './paths.ts';

export interface WantedFile {
  dev: string;
  inode: string;
  fp: Fingerprint;
}

/**
 * A rotated sibling, opened. Writers shift names (auth.log.1 → auth.log.2) at any moment, so a name is only a hint:
 * identity, size and mtime come from the open descriptor, which pins the file whatever its name becomes.
 */
export interface Sibling {
  fh: FileHandle;
  file: string;
  dev: string;
  inode: string;
  identity: string;
  mtimeNs: bigint;
  size: number;
}

/** Age rank among rotated names: auth.log.3 is older than auth.log.1; auth.log-20250301 older than -20250302. */
function rotationAge(name: string): number {
  const n = /\.(\d{1,4})$/.exec(name);
  if (n) return Number(n[1]);
  const d = /-(\d{8,10})$/.exec(name);
  return d ? -Number(d[1]) : 0;
}

/** Open every rotated, uncompressed sibling of `base` in `dir` (auth.log.1, auth.log-20250301, ...), one per file. */
async function openSiblings(dir: string, base: string): Promise<Sibling[]> {
  const names = await readdir(dir).catch(() => [] as string[]);
  const found = new Map<string, Sibling>();
  for (const name of names) {
    if (!name.startsWith(base) || name === base) continue;
    if (!isRotatedName(name.slice(base.length)) || isCompressedName(name)) continue;
    const file = path.join(dir, name);
    const fh = await open(file, 'r').catch(() => null);
    if (!fh) continue; // gone between readdir and open
    const st = await fh.stat({ bigint: true });
    const identity = `${st.dev}:${st.ino}`;
    if (!st.isFile() || found.has(identity)) {
      await fh.close();
      continue;
    }
    const s = { fh, file, dev: st.dev.toString(), inode: st.ino.toString(), identity, mtimeNs: st.mtimeNs };
    found.set(identity, { ...s, size: Number(st.size) });
  }
  return [...found.values()];
}

async function closeExcept(all: Sibling[], keep: Sibling[]): Promise<void> {
  await Promise.all(all.filter((s) => !keep.includes(s)).map((s) => s.fh.close()));
}

const newestFirst = (a: Sibling, b: Sibling) => (a.mtimeNs === b.mtimeNs ? 0 : a.mtimeNs < b.mtimeNs ? 1 : -1);

async function startsWith(s: Sibling, fp: Fingerprint): Promise<boolean> {
  return fingerprintMatches(s.fh, fp, Buffer.allocUnsafe(fp.length));
}

/** The rotated sibling that is the same file (renamed): same device and inode, and still the same first bytes. */
export async function findRenamed(dir: string, base: string, want: WantedFile): Promise<Sibling | null> {
  const all = await openSiblings(dir, base);
  let hit: Sibling | null = null;
  for (const s of all) {
    if (s.dev === want.dev && s.inode === want.inode && (await startsWith(s, want.fp))) hit = s;
  }
  await closeExcept(all, hit ? [hit] : []);
  return hit;
}

/**
 * The rotated sibling that is a copy of the file (copytruncate): another inode with the same first bytes, at least
 * `minSize` long (it must hold everything we already read). Newest first.
 */
export async function findCopy(dir: string, base: string, want: WantedFile, minSize: number): Promise<Sibling | null> {
  if (want.fp.length === 0) return null;
  const all = (await openSiblings(dir, base)).sort(newestFirst);
  let hit: Sibling | null = null;
  for (const s of all) {
    if (s.dev === want.dev && s.inode === want.inode) continue;
    if (s.size >= minSize && (await startsWith(s, want.fp))) {
      hit = s;
      break;
    }
  }
  await closeExcept(all, hit ? [hit] : []);
  return hit;
}

/**
 * Rotated siblings last written at or after `sinceNs` that we have not read (`known` says which we have):
 * generations created and rotated away again before we noticed (two rotations inside one poll, or while the agent
 * was down). The filesystem clock is coarse (a few ms), so two generations can share an mtime: hence `>=` plus the
 * content check rather than `>`. A name shift during the scan can hide a file from one pass, so passes repeat
 * until one finds nothing new. Oldest first, so they are read in the order they were written.
 */
export async function findNewerGenerations(
  dir: string,
  base: string,
  sinceNs: bigint,
  known: (s: Sibling) => Promise<boolean>,
  maxPasses = 4,
): Promise<Sibling[]> {
  const kept: Sibling[] = [];
  const ids = new Set<string>();
  for (let pass = 0; pass < maxPasses; pass++) {
    const all = await openSiblings(dir, base);
    const fresh: Sibling[] = [];
    for (const s of all) {
      if (s.mtimeNs >= sinceNs && !ids.has(s.identity) && !(await known(s))) fresh.push(s);
    }
    await closeExcept(all, fresh);
    for (const s of fresh) ids.add(s.identity);
    kept.push(...fresh);
    if (fresh.length === 0) break;
  }
  return kept.sort((a, b) =>
    a.mtimeNs !== b.mtimeNs
      ? a.mtimeNs < b.mtimeNs
        ? -1
        : 1
      : rotationAge(path.basename(b.file)) - rotationAge(path.basename(a.file)),
  );
}

/** Whether the sibling begins with the bytes any of `fps` was taken from (empty fingerprints say nothing). */
export async function startsWithAny(s: Sibling, fps: Fingerprint[]): Promise<boolean> {
  const useful = fps.filter((fp) => fp.length > 0);
  if (useful.length === 0) return false;
  const max = Math.max(...useful.map((fp) => fp.length));
  const head = await readPrefix(s.fh, max, Buffer.allocUnsafe(max));
  const byLength = new Map<number, string>();
  for (const fp of useful) {
    if (fp.length > head.length) continue;
    let sha1 = byLength.get(fp.length);
    if (sha1 === undefined) {
      sha1 = createHash('sha1').update(head.subarray(0, fp.length)).digest('hex');
      byLength.set(fp.length, sha1);
    }
    if (sha1 === fp.sha1) return true;
  }
  return false;
}
