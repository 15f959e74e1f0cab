import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type Arch, hostArch } from './elf.ts';
import { run, which } from './exec.ts';

export interface SmokeResult {
  arch: Arch;
  ran: boolean;
  how?: 'native' | 'qemu';
  /** Why it did not run (a foreign architecture without qemu-user and a sysroot). */
  reason?: string;
  version?: { version: string; commit: string; node: string; singleExecutable: boolean; model: { version?: string } };
  /** Windows scored by ONNX Runtime in the replay check (proves the binding beside the binary loads). */
  rowsScored?: number;
  /** Why the ONNX Runtime check did not run although the binary did. */
  ortSkipped?: string;
}

/**
 * Under qemu-user, ONNX Runtime's cpuinfo reads the host's /proc/cpuinfo and /sys CPU topology, which an aarch64
 * parser cannot make sense of, and dereferences NULL (measured with qemu 7.2: the official node-linux-arm64 binary
 * without SEA crashes the same way on dlopen of the arm64 binding). So only the SEA start is checked there.
 */
const ORT_UNDER_QEMU = 'ONNX Runtime crashes under qemu-user (its cpuinfo parses the host CPU description)';

const SYSROOT: Partial<Record<Arch, { qemu: string; root: string }>> = {
  arm64: { qemu: 'qemu-aarch64-static', root: '/usr/aarch64-linux-gnu' },
  x64: { qemu: 'qemu-x86_64-static', root: '/usr/x86_64-linux-gnu' },
};

/** How to run a binary of arch here: directly, or through qemu-user with a cross sysroot; undefined when neither. */
export async function runnerFor(
  arch: Arch,
): Promise<{ prefix: string[]; how: 'native' | 'qemu' } | { reason: string }> {
  if (arch === hostArch()) return { prefix: [], how: 'native' };
  const s = SYSROOT[arch];
  const qemu = s && (await which(s.qemu, s.qemu.replace(/-static$/, '')));
  if (!s || !qemu)
    return { reason: `${arch} binaries cannot run on this ${process.arch} host (no ${s?.qemu ?? 'qemu'})` };
  if (!existsSync(s.root)) return { reason: `no ${arch} sysroot at ${s.root} for qemu (install libc6-${arch}-cross)` };
  return { prefix: [qemu, '-L', s.root], how: 'qemu' };
}

/**
 * Runs the packaged binary from its files/ directory with an empty environment: `--version --json` (the SEA
 * starts, reads the bundle manifest beside it) and a replay of a short brute force (ONNX Runtime loads from the
 * binding beside the binary and scores windows).
 */
export async function smokeTest(arch: Arch, filesDir: string): Promise<SmokeResult> {
  const runner = await runnerFor(arch);
  if ('reason' in runner) return { arch, ran: false, reason: runner.reason };
  const [cmd, ...pre] = [...runner.prefix, path.join(filesDir, 'vigil-agent')];
  const exec = (args: string[]) => run(cmd, [...pre, ...args], { env: {}, timeoutMs: 120_000 });
  const version = JSON.parse((await exec(['--version', '--json'])).stdout) as SmokeResult['version'];
  if (runner.how === 'qemu') return { arch, ran: true, how: runner.how, version, ortSkipped: ORT_UNDER_QEMU };
  const tmp = await mkdtemp(path.join(tmpdir(), 'vigil-smoke-'));
  try {
    const log = path.join(tmp, 'auth.log');
    const lines = Array.from(
      { length: 40 },
      (_, i) =>
        `Mar  3 10:01:${String(i).padStart(2, '0')} web-1 sshd[${3000 + i}]: Failed password for root from 203.0.113.9 port ${40000 + i} ssh2`,
    );
    await writeFile(log, `${lines.join('\n')}\n`);
    const bundle = path.join(filesDir, 'bundles/default');
    const report = JSON.parse(
      (await exec(['replay', log, '--json', '--bundle', bundle, '--year', '2025', '--host', 'web-1'])).stdout,
    ) as { rowsScored: number };
    return { arch, ran: true, how: runner.how, version, rowsScored: report.rowsScored };
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}
