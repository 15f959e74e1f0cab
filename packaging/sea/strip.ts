import { existsSync, readFileSync } from 'node:fs';
import { mkdir, rename, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Arch } from './elf.ts';
import { hostArch } from './elf.ts';
import { run, which } from './exec.ts';
import type { BaseNode } from './node-base.ts';

export interface StripResult {
  file: string;
  stripped: boolean;
  tool?: string;
  /** Why the binary was not stripped. */
  reason?: string;
  bytesBefore: number;
  bytesAfter: number;
}

/**
 * A symbol-stripped copy of the base binary (`--strip-all`: DWARF and .symtab go; .dynsym stays, which is what
 * native addons such as the ONNX Runtime binding link against). llvm-strip handles any ELF machine; GNU strip only
 * the host's, so without llvm-strip a foreign binary ships unstripped and the reason is reported. Cached per base.
 */
export async function strippedNode(base: BaseNode, cacheDir: string): Promise<StripResult> {
  const bytesBefore = (await stat(base.file)).size;
  const tool = await stripTool(base.arch);
  if (!tool) {
    return { file: base.file, stripped: false, reason: 'no llvm-strip on PATH', bytesBefore, bytesAfter: bytesBefore };
  }
  const dir = path.join(cacheDir, 'node', base.version, base.arch);
  const out = path.join(dir, 'node.stripped');
  const metaFile = `${out}.json`;
  const key = `${base.file}:${bytesBefore}:${(await stat(base.file)).mtimeMs}`;
  if (existsSync(out) && existsSync(metaFile) && JSON.parse(readFileSync(metaFile, 'utf8')).key === key) {
    return { file: out, stripped: true, tool, bytesBefore, bytesAfter: (await stat(out)).size };
  }
  await mkdir(dir, { recursive: true });
  const tmp = `${out}.tmp-${process.pid}`;
  await run(tool, ['--strip-all', '-o', tmp, base.file], { timeoutMs: 120_000 });
  await rename(tmp, out);
  await writeFile(metaFile, `${JSON.stringify({ key, tool })}\n`);
  return { file: out, stripped: true, tool, bytesBefore, bytesAfter: (await stat(out)).size };
}

async function stripTool(arch: Arch): Promise<string | undefined> {
  const llvm = await which('llvm-strip', ...[19, 18, 17, 16, 15, 14].map((v) => `llvm-strip-${v}`));
  if (llvm) return llvm;
  return arch === hostArch() ? which('strip') : undefined;
}
