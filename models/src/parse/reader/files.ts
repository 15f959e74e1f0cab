import { readFileSync, statSync } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';

/** Files a dataset directory holds next to the logs that are not logs. */
export const NOT_LOGS = new Set(['labels.jsonl', 'manifest.json']);

export interface InputFile {
  path: string;
  size: number;
  mtimeMs: number;
  /** The PATH argument it was found under (bounds the manifest.json search). */
  root: string;
  /** Set when the directory or file could not be listed/read: reported as an error, not skipped silently. */
  problem?: string;
}

/**
 * Expand files and directories (recursively, sorted, symlinked directories not followed) into the log files to read.
 * `exclude` holds absolute paths to leave out (the CSV being written, the errors file).
 */
export async function listInputFiles(paths: string[], exclude: Set<string> = new Set()): Promise<InputFile[]> {
  const out: InputFile[] = [];
  for (const p of paths) {
    const abs = path.resolve(p);
    const st = await stat(abs);
    if (st.isDirectory()) await walk(abs, abs, out, exclude);
    else out.push({ path: abs, size: st.size, mtimeMs: st.mtimeMs, root: path.dirname(abs) });
  }
  return out;
}

async function walk(dir: string, root: string, out: InputFile[], exclude: Set<string>): Promise<void> {
  let entries: Awaited<ReturnType<typeof readdirWithTypes>>;
  try {
    entries = await readdirWithTypes(dir);
  } catch (e) {
    out.push({ path: dir, size: 0, mtimeMs: 0, root, problem: `cannot list directory: ${(e as Error).message}` });
    return;
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const e of entries) {
    const full = path.join(dir, e.name);
    if (exclude.has(full) || NOT_LOGS.has(e.name)) continue;
    if (e.isDirectory()) await walk(full, root, out, exclude);
    else if (e.isFile() || e.isSymbolicLink()) {
      const st = await stat(full).catch(() => undefined);
      if (st?.isFile()) out.push({ path: full, size: st.size, mtimeMs: st.mtimeMs, root });
    }
  }
}

function readdirWithTypes(dir: string) {
  return readdir(dir, { withFileTypes: true });
}

const manifestCache = new Map<string, number | undefined>();

/**
 * The year the dataset starts in, from the nearest manifest.json between the file's directory and `root`: its `year`,
 * else a start time at `start`, `startTime`, `from`, `timeRange.start|from`, `range.start|from` or `time.start` (epoch ms
 * or ISO text). Undefined when there is none or it is unreadable.
 */
export function manifestYear(file: string, root: string): number | undefined {
  let dir = path.dirname(file);
  const stop = path.dirname(root);
  for (let depth = 0; depth < 8 && dir !== stop; depth++) {
    const m = path.join(dir, 'manifest.json');
    if (!manifestCache.has(m)) manifestCache.set(m, readManifestYear(m));
    const y = manifestCache.get(m);
    if (y !== undefined) return y;
    const parent = path.dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return undefined;
}

function readManifestYear(file: string): number | undefined {
  try {
    if (!statSync(file).isFile()) return undefined;
    const m = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    if (Number.isInteger(m.year) && (m.year as number) >= 1970 && (m.year as number) <= 9999) return m.year as number;
    const nested = (k: string) => m[k] as Record<string, unknown> | undefined;
    const candidates = [
      m.start,
      m.startTime,
      m.from,
      nested('timeRange')?.start,
      nested('timeRange')?.from,
      nested('range')?.start,
      nested('range')?.from,
      nested('time')?.start,
    ];
    for (const c of candidates) {
      const ms = typeof c === 'number' ? c : typeof c === 'string' ? Date.parse(c) : Number.NaN;
      if (Number.isFinite(ms)) return new Date(ms).getUTCFullYear();
    }
  } catch {
    // unreadable manifest: fall back to the next source of the year
  }
  return undefined;
}
