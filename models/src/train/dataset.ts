import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { ParseSummary } from '../parse/run.ts';
import { parsePaths } from '../parse/run.ts';
import { compileValidator, type Label, LabelSchema, type LogEvent } from '../schema/index.ts';
import { labelledLines } from './evidence.ts';

const checkLabel = compileValidator(LabelSchema);

export interface Dataset {
  dir: string;
  /** All events, in time order (ties keep file order). */
  events: LogEvent[];
  /** Label id of each event (same order), when the generator's record-level truth is available. */
  eventLabels: (string | undefined)[] | null;
  labels: Label[];
  /** [start, end) of the dataset in epoch ms. */
  span: [number, number];
  seed: number | undefined;
  hostTypes: Record<string, string>;
  parse: ParseSummary;
}

interface ManifestLike {
  generator?: string;
  records?: number;
  scenario?: Record<string, unknown>;
  counts?: { labelled?: Record<string, number> };
  seed?: number;
  start?: string | number;
  end?: string | number;
  timeRange?: { start: string | number; end: string | number };
  hosts?: { hostname?: string; name?: string; instanceType?: string }[];
}

const toMs = (v: string | number | undefined) =>
  v === undefined ? Number.NaN : typeof v === 'number' ? v : Date.parse(v);

/** Reads labels.jsonl, refusing a bad line with its number and the key at fault. */
export async function readLabels(file: string): Promise<Label[]> {
  const text = await readFile(file, 'utf8');
  const labels: Label[] = [];
  text.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (e) {
      throw new Error(`${file}:${i + 1}: not JSON (${(e as Error).message})`);
    }
    labels.push(checkLabel(value, `${file}:${i + 1}`));
  });
  return labels;
}

/**
 * Loads a dataset written by `vigil data generate` (or any directory of native logs plus labels.jsonl) through the
 * production parsers, so training sees exactly what serving sees. Parse errors are counted and returned, not hidden.
 */
export async function loadDataset(dir: string): Promise<Dataset> {
  const manifest = JSON.parse(
    await readFile(path.join(dir, 'manifest.json'), 'utf8').catch(() => '{}'),
  ) as ManifestLike;
  const lines = labelledLines(manifest);
  const tagged: { e: LogEvent; label: string | undefined }[] = [];
  const root = path.resolve(dir);
  const parse = await parsePaths([dir], {
    event: (e, file) => tagged.push({ e, label: lines?.get(`${path.relative(root, path.resolve(file))}\n${e.raw}`) }),
  });
  if (lines) checkLabelledLines(dir, manifest, tagged);
  tagged.sort((a, b) => a.e.ts - b.e.ts);
  const events = tagged.map((t) => t.e);
  const eventLabels = lines ? tagged.map((t) => t.label) : null;
  const labels = await readLabels(path.join(dir, 'labels.jsonl')).catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return [] as Label[];
    throw e;
  });
  let start = toMs(manifest.timeRange?.start ?? manifest.start);
  let end = toMs(manifest.timeRange?.end ?? manifest.end);
  if (!Number.isFinite(start)) start = events[0]?.ts ?? 0;
  if (!Number.isFinite(end)) end = (events.at(-1)?.ts ?? 0) + 1;
  const hostTypes: Record<string, string> = {};
  for (const h of manifest.hosts ?? []) {
    const name = h.hostname ?? h.name;
    if (name && h.instanceType) hostTypes[name] = h.instanceType;
  }
  return { dir, events, eventLabels, labels, span: [start, end], seed: manifest.seed, hostTypes, parse };
}

/**
 * Every labelled line the generator meant to write must be found in the files: otherwise the files came from another
 * generator version (or were edited) and record-level truth would silently be wrong.
 */
function checkLabelledLines(dir: string, manifest: ManifestLike, tagged: { e: LogEvent; label: string | undefined }[]) {
  const expected = Object.values(manifest.counts?.labelled ?? {}).reduce((a, b) => a + b, 0);
  const found = tagged.filter((t) => t.label !== undefined).length;
  if (found !== expected) {
    throw new Error(
      `${dir}: ${found} of ${expected} labelled lines match what the generator writes for this manifest's scenario; the files were written by another generator version or changed since. Regenerate the dataset (delete it and run again).`,
    );
  }
}

export async function* iterate<T>(items: T[]): AsyncGenerator<T> {
  for (const x of items) yield x;
}
