import { isUtf8 } from 'node:buffer';
import { detectFormat } from './detect.ts';
import { expandEnvelope, mayBeEnvelope } from './envelope.ts';
import { type InputFile, manifestYear } from './reader/files.ts';
import { DEFAULT_MAX_LINE_BYTES, LineSplitter } from './reader/lines.ts';
import { firstLinesOf, openByteSource, PeekableChunks } from './reader/source.ts';
import { createParser, isRecordParser } from './registry.ts';
import type { ErrorRecord, EventSink, FormatStats, ParseRunOptions, ParseSummary } from './run.ts';
import type { LogFormat, ParseContext, ParseError, ParseResult, RecordParser } from './types.ts';

/** Largest decoded JSON document (delivered CloudTrail file, pretty-printed export) read whole. */
const MAX_DOCUMENT_BYTES = 512 * 1024 * 1024;

/** Counts one file's results into the run summary and the per-format stats; forwards events and errors. */
class Tally {
  private readonly fmt: FormatStats;

  constructor(
    private readonly s: ParseSummary,
    private readonly sink: EventSink,
    private readonly file: string,
    private readonly format: LogFormat | undefined,
    private readonly maxSamples: number,
  ) {
    this.fmt = s.byFormat[format ?? 'unknown'] ??= { lines: 0, events: 0, errors: 0, skipped: 0 };
  }

  result(r: ParseResult, line: number): void {
    if (r.ok) {
      this.s.lines++;
      this.fmt.lines++;
      this.s.events++;
      this.fmt.events++;
      this.sink.event(r.event, this.file);
    } else if ('skip' in r) {
      this.skipped(1);
    } else this.error(r.error, line, 1);
  }

  skipped(n: number): void {
    this.s.lines += n;
    this.fmt.lines += n;
    this.s.skipped += n;
    this.fmt.skipped += n;
  }

  /** `count` lines failed for the same reason (e.g. a whole file of unknown format); one record names them. */
  error(err: ParseError, line: number, count: number): void {
    this.s.lines += count;
    this.fmt.lines += count;
    this.s.errors += count;
    this.fmt.errors += count;
    const rec: ErrorRecord = { file: this.file, line, ...err };
    if (this.format) rec.format = this.format;
    if (this.s.errorSamples.length < this.maxSamples) this.s.errorSamples.push(rec);
    this.sink.error?.(rec);
  }
}

/** A JSON document spread over lines (pretty-printed delivered file) rather than JSON Lines. */
function isMultiLineJson(head: Buffer): boolean {
  let i = 0;
  while (i < head.length && (head[i] === 32 || head[i] === 9 || head[i] === 10 || head[i] === 13)) i++;
  if (head[i] !== 123 && head[i] !== 91) return false;
  const nl = head.indexOf(10, i);
  const first = head.subarray(i, nl < 0 ? head.length : nl).toString('utf8');
  try {
    JSON.parse(first);
    return false;
  } catch {
    return true;
  }
}

/** Parse one file into `sink`, counting every line into `summary`. */
export async function parseFile(
  file: InputFile,
  sink: EventSink,
  summary: ParseSummary,
  opts: ParseRunOptions,
  progress: (bytes: number) => void = () => {},
): Promise<void> {
  summary.files++;
  const samples = opts.maxErrorSamples ?? 20;
  if (file.problem !== undefined) {
    new Tally(summary, sink, file.path, opts.format, samples).error(
      { code: 'unreadable', message: file.problem },
      0,
      1,
    );
    return;
  }
  let source: Awaited<ReturnType<typeof openByteSource>>;
  let chunks: PeekableChunks;
  let head: Buffer;
  try {
    source = await openByteSource(file.path);
    chunks = new PeekableChunks(source.chunks);
    head = (await chunks.peek()) ?? Buffer.alloc(0);
  } catch (e) {
    new Tally(summary, sink, file.path, opts.format, samples).error(unreadable(e), 0, 1);
    return;
  }
  const format = opts.format ?? detectFormat(firstLinesOf(head), file.path);
  const tally = new Tally(summary, sink, file.path, format, samples);
  if (format === undefined) return countUnknown(chunks, tally, opts);
  const parser = createParser(format, {
    year: opts.year ?? manifestYear(file.path, file.root),
    referenceTimeMs: file.mtimeMs,
    fileName: file.path,
    vpcFields: opts.vpcFields,
    templates: opts.templates,
    extendedAttrs: opts.extendedAttrs,
  });
  if (isRecordParser(parser) && isMultiLineJson(head)) return parseDocument(chunks, parser, tally, file.path);
  const ctx: ParseContext = { file: file.path, line: 0 };
  const splitter = new LineSplitter(
    {
      line: (text, n) => {
        ctx.line = n;
        if (isRecordParser(parser) && mayBeEnvelope(text)) parseEnvelopeLine(parser, text, ctx, tally);
        else tally.result(parser.parse(text, ctx), n);
      },
      bad: (n, code, message) => tally.error({ code, message }, n, 1),
    },
    opts.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES,
  );
  await pump(chunks, splitter, tally, sink, () => progress(source.bytesRead()));
}

async function pump(
  chunks: AsyncIterable<Buffer>,
  splitter: LineSplitter,
  tally: Tally,
  sink: EventSink,
  onChunk: () => void,
): Promise<void> {
  try {
    for await (const chunk of chunks) {
      splitter.push(chunk);
      onChunk();
      if (sink.flush) await sink.flush();
    }
    splitter.end();
  } catch (e) {
    splitter.end();
    tally.error(unreadable(e), splitter.lines + 1, 1);
  }
}

function unreadable(e: unknown): ParseError {
  return { code: 'unreadable', message: `cannot read: ${(e as Error).message ?? String(e)}` };
}

async function countUnknown(chunks: AsyncIterable<Buffer>, tally: Tally, opts: ParseRunOptions): Promise<void> {
  let n = 0;
  const splitter = new LineSplitter({ line: () => n++, bad: () => n++ }, opts.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES);
  try {
    for await (const chunk of chunks) splitter.push(chunk);
    splitter.end();
  } catch {
    // count what was read
  }
  if (n > 0) {
    tally.error(
      { code: 'unsupported', message: `format not recognised for ${n} line(s); pass --format`, field: 'format' },
      1,
      n,
    );
  }
}

function parseEnvelopeLine(parser: RecordParser, text: string, ctx: ParseContext, tally: Tally): void {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    tally.error({ code: 'bad_json', message: `JSON does not parse: ${(e as Error).message}` }, ctx.line, 1);
    return;
  }
  const items = expandEnvelope(v);
  if (items === undefined) tally.result(parser.parseRecord(v, text, ctx), ctx.line);
  else if (items.length === 0) tally.skipped(1);
  else for (const it of items) tally.result(parser.parseRecord(it.record, it.raw, ctx), ctx.line);
}

/** Whole-file JSON (CloudTrail `{"Records": [...]}` delivered to S3, exports): each record counts as a line. */
async function parseDocument(chunks: AsyncIterable<Buffer>, parser: RecordParser, tally: Tally, file: string) {
  const parts: Buffer[] = [];
  let size = 0;
  try {
    for await (const c of chunks) {
      size += c.length;
      if (size > MAX_DOCUMENT_BYTES) {
        tally.error({ code: 'line_too_long', message: `JSON document over ${MAX_DOCUMENT_BYTES} bytes` }, 1, 1);
        return;
      }
      parts.push(c);
    }
  } catch (e) {
    tally.error(unreadable(e), 1, 1);
    return;
  }
  const bytes = Buffer.concat(parts);
  if (!isUtf8(bytes)) return tally.error({ code: 'invalid_utf8', message: 'JSON document is not UTF-8' }, 1, 1);
  const text = bytes.toString('utf8');
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    return tally.error({ code: 'bad_json', message: `JSON document does not parse: ${(e as Error).message}` }, 1, 1);
  }
  const items = expandEnvelope(v) ?? [{ record: v, raw: text }];
  const ctx: ParseContext = { file, line: 0 };
  items.forEach((it, i) => {
    ctx.line = i + 1;
    tally.result(parser.parseRecord(it.record, it.raw, ctx), i + 1);
  });
}
