import { once } from 'node:events';
import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, resolve, sep } from 'node:path';
import { LabelSchema } from '../schema/label.ts';
import { compileValidator } from '../schema/validate.ts';
import { Progress } from '../util/progress.ts';
import { fileHeader } from './format/files.ts';
import { buildManifest, type Manifest } from './manifest.ts';
import { type SynthOptions, SynthRun } from './run.ts';

export interface GenerateOptions extends SynthOptions {
  /** Output directory (created if missing; files of the layout are overwritten). */
  out: string;
  /** Draw a progress bar on this stream when it is a TTY. */
  progress?: NodeJS.WriteStream;
}

const FLUSH_AT = 256 * 1024;
const checkLabel = compileValidator(LabelSchema);

/** A file of the dataset: lines collect in a string and go to the stream in large writes, honouring backpressure. */
class BufferedFile {
  private buf = '';
  constructor(readonly stream: WriteStream) {}
  add(line: string): boolean {
    this.buf += `${line}\n`;
    return this.buf.length >= FLUSH_AT;
  }
  /** Returns false when the stream asks the writer to wait for 'drain'. */
  flush(): boolean {
    if (!this.buf) return true;
    const ok = this.stream.write(this.buf);
    this.buf = '';
    return ok;
  }
}

function inside(root: string, rel: string): string {
  const path = resolve(root, rel);
  if (!path.startsWith(root + sep)) throw new Error(`refusing to write outside the output directory: ${rel}`);
  return path;
}

async function openFiles(root: string, run: SynthRun): Promise<Map<string, BufferedFile>> {
  const out = new Map<string, BufferedFile>();
  for (const rel of run.fileList()) {
    const path = inside(root, rel);
    await mkdir(dirname(path), { recursive: true });
    const f = new BufferedFile(createWriteStream(path, { highWaterMark: 1 << 20 }));
    const source = rel.startsWith('vpc/') ? 'vpc' : undefined;
    const header = source ? fileHeader(source) : undefined;
    if (header) f.add(header);
    out.set(rel, f);
  }
  return out;
}

async function closeAll(filesByName: Map<string, BufferedFile>): Promise<void> {
  await Promise.all(
    [...filesByName.values()].map(async (f) => {
      if (!f.flush()) await once(f.stream, 'drain');
      f.stream.end();
      await once(f.stream, 'finish');
    }),
  );
}

/**
 * Generate the dataset into `out`: the native files, labels.jsonl and manifest.json. Lines are streamed in time
 * order through per-file buffers, so memory stays bounded whatever the sample count.
 */
export async function generateDataset(options: GenerateOptions): Promise<Manifest> {
  const root = resolve(options.out);
  await mkdir(root, { recursive: true });
  const run = new SynthRun(options);
  const open = await openFiles(root, run);
  const progress = new Progress('vigil data generate', run.scenario.samples, options.progress ?? process.stderr);
  let n = 0;
  try {
    for (const r of run.records()) {
      const f = open.get(r.file);
      if (!f) throw new Error(`generator wrote to a file outside the layout: ${r.file}`);
      if (f.add(r.line) && !f.flush()) await once(f.stream, 'drain');
      if ((++n & 4095) === 0) progress.update(n);
    }
  } finally {
    await closeAll(open);
  }
  progress.update(n);
  progress.done();
  const labels = run.labels();
  const text = labels.map((l) => JSON.stringify(checkLabel(l, `label ${l.id}`))).join('\n');
  await writeFile(inside(root, 'labels.jsonl'), text ? `${text}\n` : '');
  const manifest = buildManifest(run, run.summary());
  await writeFile(inside(root, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}
