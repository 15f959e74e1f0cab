import { open } from 'node:fs/promises';

export type Arch = 'x64' | 'arm64';
export const ARCHES: readonly Arch[] = ['x64', 'arm64'];

/** Distributor's architecture names for Node's. */
export const DISTRIBUTOR_ARCH: Record<Arch, string> = { x64: 'x86_64', arm64: 'arm64' };

const MACHINES: Record<number, Arch> = { 62: 'x64', 183: 'arm64' };

export function isArch(value: string): value is Arch {
  return (ARCHES as readonly string[]).includes(value);
}

/** The architecture of a 64-bit little-endian ELF file, or undefined for anything else. */
export async function elfArch(file: string): Promise<Arch | undefined> {
  const fh = await open(file, 'r');
  try {
    const head = Buffer.alloc(20);
    const { bytesRead } = await fh.read(head, 0, 20, 0);
    if (bytesRead < 20 || head.readUInt32BE(0) !== 0x7f454c46) return undefined;
    if (head[4] !== 2 || head[5] !== 1) return undefined; // ELFCLASS64, little-endian
    return MACHINES[head.readUInt16LE(18)];
  } finally {
    await fh.close();
  }
}

/** The architecture this build host runs (and so can execute). */
export function hostArch(): Arch | undefined {
  return isArch(process.arch) ? process.arch : undefined;
}
