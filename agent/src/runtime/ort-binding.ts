import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { executableDir, isSingleExecutable } from './sea.ts';

/*
 * onnxruntime-node loads its native binding with a computed require() relative to its own files, which a
 * single-executable bundle cannot follow. The SEA build rewrites that one require to call loadOrtBinding(); the
 * package ships onnxruntime_binding.node and libonnxruntime.so.1 beside the binary (the binding's RUNPATH is
 * $ORIGIN, so the dynamic loader finds the library next to it). From source nothing calls this: the normal import
 * of onnxruntime-node loads its own binding.
 */

export const ORT_BINDING_FILE = 'onnxruntime_binding.node';
export const ORT_LIBRARY_FILE = 'libonnxruntime.so.1';

export interface BindingLocation {
  sea: boolean;
  execDir: string;
  /** onnxruntime-node's package directory, for a bundle run by a plain node. */
  packageDir?: string;
  platform?: string;
  arch?: string;
}

/** Where the binding must be: beside the binary for the single executable, else inside onnxruntime-node. */
export function ortBindingPath(loc: BindingLocation = currentLocation()): string {
  if (loc.sea) return path.join(loc.execDir, ORT_BINDING_FILE);
  if (!loc.packageDir) throw new Error('onnxruntime-node is not installed and this is not the single executable');
  const platform = loc.platform ?? process.platform;
  const arch = loc.arch ?? process.arch;
  return path.join(loc.packageDir, 'bin', 'napi-v6', platform, arch, ORT_BINDING_FILE);
}

/** Loads the native binding (what onnxruntime-node's dist/binding.js exports as `binding`). */
export function loadOrtBinding(loc: BindingLocation = currentLocation()): unknown {
  const file = ortBindingPath(loc);
  if (!existsSync(file)) {
    throw new Error(
      `ONNX Runtime binding not found at ${file}: the package must ship ${ORT_BINDING_FILE} and ${ORT_LIBRARY_FILE} beside the binary`,
    );
  }
  const mod = { exports: {} as unknown };
  try {
    process.dlopen(mod, file);
  } catch (err) {
    throw new Error(`cannot load the ONNX Runtime binding ${file}: ${(err as Error).message}`);
  }
  return mod.exports;
}

function currentLocation(): BindingLocation {
  const sea = isSingleExecutable();
  return { sea, execDir: executableDir(), packageDir: sea ? undefined : onnxPackageDir() };
}

function onnxPackageDir(): string | undefined {
  try {
    const entry = createRequire(import.meta.url).resolve('onnxruntime-node');
    return path.resolve(path.dirname(entry), '..');
  } catch {
    return undefined;
  }
}
