/**
 * Generator throughput on the default scenario (the seed's 100,000-record year), in one process and one core.
 *
 *   npx tsx test/bench/synth.bench.ts [--samples N] [--out DIR]
 *
 * Times `generateDataset` end to end (planning, normal traffic, incidents, formatting, buffered file writes) into a
 * temporary directory (or --out), then the in-memory record stream alone (SynthRun.records(), warm). Prints one JSON
 * object: {name:'synth', linesPerSec, lines, seconds, streamLinesPerSec, streamSeconds}.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { generateDataset, SynthRun } from '../../models/src/synth/index.ts';

const { values } = parseArgs({ options: { samples: { type: 'string' }, out: { type: 'string' } } });
const samples = values.samples ? Number(values.samples) : undefined;
if (samples !== undefined && !(Number.isInteger(samples) && samples >= 100))
  throw new Error(`--samples must be an integer >= 100, got '${values.samples}'`);

const out = values.out ?? mkdtempSync(path.join(tmpdir(), 'vigil-synth-bench-'));
let t0 = performance.now();
const manifest = await generateDataset({ out, samples });
const seconds = (performance.now() - t0) / 1000;
if (!values.out) rmSync(out, { recursive: true, force: true });

t0 = performance.now();
let streamed = 0;
for (const _ of new SynthRun({ samples }).records()) streamed++;
const streamSeconds = (performance.now() - t0) / 1000;

const round = (x: number) => Math.round(x * 1000) / 1000;
process.stdout.write(
  `${JSON.stringify({
    name: 'synth',
    linesPerSec: Math.round(manifest.records / seconds),
    lines: manifest.records,
    seconds: round(seconds),
    streamLinesPerSec: Math.round(streamed / streamSeconds),
    streamSeconds: round(streamSeconds),
  })}\n`,
);
