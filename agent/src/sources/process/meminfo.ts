import { readFile } from 'node:fs/promises';
import { freemem, totalmem } from 'node:os';

export interface MemInfo {
  /** Bytes. */
  total: number;
  /** Bytes a new workload could get without swapping (MemAvailable). */
  available: number;
}

const kB = (text: string, key: string): number => {
  const at = text.indexOf(`\n${key}:`);
  const line = at < 0 ? (text.startsWith(`${key}:`) ? text : '') : text.slice(at + 1);
  const m = /^[A-Za-z_()]+:\s+(\d+)/.exec(line);
  return m ? Number(m[1]) * 1024 : 0;
};

/**
 * /proc/meminfo's total and available memory, with the fallbacks systeminformation's mem() uses on Linux
 * (MemTotal else os.totalmem(); MemAvailable else free + buffers + cached + slab). Reading the file directly keeps
 * systeminformation (430 KB, the largest package in the agent bundle) out of the single executable.
 */
export function parseMeminfo(text: string): MemInfo {
  const total = kB(text, 'MemTotal') || totalmem();
  const free = kB(text, 'MemFree') || freemem();
  const available = kB(text, 'MemAvailable') || free + kB(text, 'Buffers') + kB(text, 'Cached') + kB(text, 'Slab');
  return { total, available };
}

export async function readMeminfo(file = '/proc/meminfo'): Promise<MemInfo> {
  try {
    return parseMeminfo(await readFile(file, 'utf8'));
  } catch {
    return { total: totalmem(), available: freemem() };
  }
}
