import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** Auxiliary-vector keys (<elf.h>): what the kernel tells every process at exec. */
const AT_NULL = 0;
const AT_PAGESZ = 6;
const AT_CLKTCK = 17;

export interface SystemConstants {
  clockTicks: number;
  pageSize: number;
}

/**
 * Page size and clock ticks from an auxiliary vector (/proc/self/auxv: native-endian pairs of unsigned longs; both
 * architectures the agent ships for are 64-bit little-endian). Undefined for a value the vector does not carry.
 */
export function fromAuxv(auxv: Buffer): Partial<SystemConstants> {
  const out: Partial<SystemConstants> = {};
  for (let at = 0; at + 16 <= auxv.length; at += 16) {
    const key = Number(auxv.readBigUInt64LE(at));
    if (key === AT_NULL) break;
    const value = Number(auxv.readBigUInt64LE(at + 8));
    if (!Number.isSafeInteger(value) || value <= 0) continue;
    if (key === AT_PAGESZ) out.pageSize = value;
    else if (key === AT_CLKTCK) out.clockTicks = value;
  }
  return out;
}

/**
 * sysconf values Node does not expose. Read from /proc/self/auxv, which is what glibc's sysconf returns for both;
 * asking `getconf` (fixed arguments, no input) cost two process spawns, ~20 ms, at every agent start. getconf and
 * then the Linux defaults remain the fallbacks.
 */
export function systemConstants(auxvFile = '/proc/self/auxv'): SystemConstants {
  let aux: Partial<SystemConstants> = {};
  try {
    if (process.arch === 'x64' || process.arch === 'arm64') aux = fromAuxv(readFileSync(auxvFile));
  } catch {
    // no procfs: fall back below
  }
  return { clockTicks: aux.clockTicks ?? ask('CLK_TCK', 100), pageSize: aux.pageSize ?? ask('PAGESIZE', 4096) };
}

function ask(name: string, fallback: number): number {
  try {
    const v = Number(execFileSync('getconf', [name], { encoding: 'utf8', timeout: 2000 }).trim());
    return Number.isInteger(v) && v > 0 ? v : fallback;
  } catch {
    return fallback;
  }
}
