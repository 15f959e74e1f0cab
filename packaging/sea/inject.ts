import { chmod, readFile } from 'node:fs/promises';
// postject ships CommonJS without types.
// @ts-expect-error no declaration file
import { inject } from 'postject';

/** The fuse Node looks for to know a SEA blob was injected (src/node_sea.cc). */
export const SEA_FUSE = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2';
export const SEA_RESOURCE = 'NODE_SEA_BLOB';

/**
 * Injects the blob into a copy of the base binary as the NODE_SEA_BLOB ELF note and flips the fuse. postject
 * edits ELF structurally (LIEF in wasm), so it works on a foreign-architecture binary.
 */
export async function injectBlob(binary: string, blobFile: string): Promise<void> {
  const blob = await readFile(blobFile);
  await (inject as (f: string, n: string, d: Buffer, o: object) => Promise<void>)(binary, SEA_RESOURCE, blob, {
    sentinelFuse: SEA_FUSE,
  });
  await chmod(binary, 0o755);
  await verifyInjected(binary, blob);
}

/** The fuse reads `:1` and the blob is present verbatim. */
export async function verifyInjected(binary: string, blob: Buffer): Promise<void> {
  const bytes = await readFile(binary);
  const fuse = bytes.indexOf(SEA_FUSE);
  if (fuse < 0 || bytes[fuse + SEA_FUSE.length + 1] !== 0x31)
    throw new Error(`${binary}: the SEA fuse is not set after injection`);
  if (bytes.indexOf(blob) < 0) throw new Error(`${binary}: the SEA blob is not in the binary after injection`);
}
