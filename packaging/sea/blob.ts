import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { run } from './exec.ts';
import { HOST_NODE } from './node-base.ts';

const MAGIC = 0x0143da20;
/** SeaFlags in Node's src/node_sea.h. */
const FLAG = { disableWarning: 1 << 0, useSnapshot: 1 << 1, useCodeCache: 1 << 2, includeAssets: 1 << 3 };

export interface BlobReport {
  file: string;
  bytes: number;
  flags: number;
  /** True when the blob is flags + code path + the main script and nothing else (see inspectBlob). */
  architectureIndependent: boolean;
  why: string;
}

/**
 * Builds the SEA preparation blob with the pinned x64 node (`--experimental-sea-config`). Snapshot and code cache
 * stay off: both are V8 artefacts for the machine that builds them, and the same blob is injected into the arm64
 * binary as well. Assets stay off too (the native libraries and the model ship as files beside the binary).
 */
export async function buildBlob(script: string, workDir: string): Promise<BlobReport> {
  const output = path.join(workDir, 'agent.blob');
  const config = path.join(workDir, 'sea-config.json');
  const seaConfig = {
    main: script,
    output,
    disableExperimentalSEAWarning: true,
    useSnapshot: false,
    useCodeCache: false,
  };
  await writeFile(config, `${JSON.stringify(seaConfig, null, 2)}\n`);
  await run(HOST_NODE, ['--experimental-sea-config', config], { cwd: workDir, env: {}, timeoutMs: 120_000 });
  return inspectBlob(output, await readFile(script));
}

/**
 * Checks what makes a blob portable across CPU architectures: the flags carry no snapshot, code cache or assets,
 * and the blob ends with the main script, length-prefixed, byte for byte. What precedes it is the magic, the flags
 * and the code path, so the blob holds no machine code or V8 data.
 */
export async function inspectBlob(file: string, script: Buffer): Promise<BlobReport> {
  const blob = await readFile(file);
  const report = (ok: boolean, flags: number, why: string): BlobReport => ({
    file,
    bytes: blob.length,
    flags,
    architectureIndependent: ok,
    why,
  });
  if (blob.length < 16 || blob.readUInt32LE(0) !== MAGIC) return report(false, 0, 'not a SEA blob (bad magic)');
  const flags = blob.readUInt32LE(4);
  const machineSpecific = flags & (FLAG.useSnapshot | FLAG.useCodeCache | FLAG.includeAssets);
  if (machineSpecific) return report(false, flags, `flags 0x${flags.toString(16)} include snapshot/code cache/assets`);
  const at = blob.length - script.length;
  const lengthOk = at >= 16 && blob.readBigUInt64LE(at - 8) === BigInt(script.length);
  if (!lengthOk || !blob.subarray(at).equals(script))
    return report(false, flags, 'the blob does not end with the length-prefixed main script');
  return report(true, flags, `header ${at} bytes (magic, flags, code path) + the ${script.length}-byte script`);
}
