import path from 'node:path';
import { isSea } from 'node:sea';

/** True when this process is the single-executable agent (the SEA blob is injected into the binary). */
export function isSingleExecutable(): boolean {
  return isSea();
}

/** The directory holding the running binary: where the package lays its native libraries and model bundle. */
export function executableDir(): string {
  return path.dirname(process.execPath);
}
