import { type FileHandle, open, stat } from 'node:fs/promises';
import { AckWindow } from './ack-window.ts';
import {
  EMPTY_FINGERPRINT,
  type Fingerprint,
  fingerprintMatches,
  fingerprintOf,
  fingerprintOfHead,
} from './fingerprint.ts';
import { type LineIssue, LineReader } from './line-reader.ts';

export interface LiveIdentity {
  dev: string;
  inode: string;
  size: number;
}

/** Identity of whatever is at `file` now (null when nothing is). */
export async function statIdentity(file: string): Promise<LiveIdentity | null> {
  try {
    const st = await stat(file, { bigint: true });
    return st.isFile() ? { dev: st.dev.toString(), inode: st.ino.toString(), size: Number(st.size) } : null;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

export interface ReadOptions {
  readBufferBytes: number;
  maxLineBytes: number;
  fingerprintBytes: number;
}

export interface ReadBatch {
  lines: string[];
  firstLineNo: number;
  startOffset: number;
  endOffset: number;
}

/**
 * One open file: its identity, our own offset reader over the descriptor (positional reads into one reusable
 * buffer), and the window of unacked batches. Holding the descriptor is what lets a renamed or deleted file be
 * finished after rotation.
 */
export class OpenFile {
  readonly reader: LineReader;
  acks: AckWindow;
  /**
   * Built from the bytes this reader itself consumed at the start of the file (never from a separate read that
   * could see a newer generation), so it always describes the content our offsets refer to.
   */
  fp: Fingerprint = EMPTY_FINGERPRINT;
  size = 0;
  mtimeNs = 0n;
  /** mtime when reading (re)started at offset 0: generations copied away since then were written after it. */
  startedNs = 0n;
  /** Set after a truncation until the live file has a fingerprint again (see TrackedPath.checkBlindSpot). */
  blindSinceNs: bigint | null = null;
  /** The last read found no more bytes. */
  eof = false;
  /** Set when the file was rotated away: read it until this time, then finish it. */
  drainUntil: number | null = null;
  closed = false;
  /**
   * Live files can be truncated and rewritten (copytruncate) between our size check and a read, which would then
   * return the next generation's bytes at our old offset. With this set, every read is followed by a fingerprint
   * check and a read that may have raced a truncation is discarded (`replaced`), to be re-read from the copy.
   */
  verifyReads = false;
  replaced = false;
  private readonly buf: Buffer;
  /** The file's first bytes as we read them (up to fingerprintBytes). */
  private readonly head: Buffer;
  private headLen = 0;
  /** For verification reads; separate from buf, which may hold read-ahead bytes not yet consumed. */
  private readonly scratch: Buffer;
  private bufStart = 0;
  private bufEnd = 0;

  private constructor(
    private readonly fh: FileHandle,
    /** The name it was opened under (it may since have been renamed). */
    public path: string,
    readonly dev: string,
    readonly inode: string,
    offset: number,
    lineNo: number,
    private readonly opts: ReadOptions,
  ) {
    this.buf = Buffer.allocUnsafe(opts.readBufferBytes);
    this.head = Buffer.allocUnsafe(opts.fingerprintBytes);
    this.scratch = Buffer.allocUnsafe(opts.fingerprintBytes);
    this.reader = new LineReader(offset, lineNo, opts.maxLineBytes);
    this.acks = new AckWindow(offset, lineNo, null);
  }

  static async open(path: string, offset: number, lineNo: number, opts: ReadOptions): Promise<OpenFile> {
    return OpenFile.fromHandle(await open(path, 'r'), path, offset, lineNo, opts);
  }

  /** Take over an already open descriptor (closed here on failure). */
  static async fromHandle(
    fh: FileHandle,
    path: string,
    offset: number,
    lineNo: number,
    opts: ReadOptions,
  ): Promise<OpenFile> {
    try {
      const st = await fh.stat({ bigint: true });
      if (!st.isFile()) throw new Error(`${path} is not a regular file`);
      const f = new OpenFile(fh, path, st.dev.toString(), st.ino.toString(), offset, lineNo, opts);
      f.size = Number(st.size);
      f.mtimeNs = st.mtimeNs;
      f.startedNs = st.mtimeNs;
      // Resuming past the start: the head was read by an earlier run; take the file's current one (callers check
      // it against the checkpoint's fingerprint).
      if (offset > 0) f.fp = await fingerprintOf(fh, opts.fingerprintBytes, f.scratch);
      return f;
    } catch (err) {
      await fh.close();
      throw err;
    }
  }

  get identity(): string {
    return `${this.dev}:${this.inode}`;
  }

  /** Re-stat through the descriptor; returns whether size or mtime changed. */
  async refresh(): Promise<boolean> {
    const st = await this.fh.stat({ bigint: true });
    const size = Number(st.size);
    const changed = size !== this.size || st.mtimeNs !== this.mtimeNs;
    this.size = size;
    this.mtimeNs = st.mtimeNs;
    return changed;
  }

  /** Whether the file begins with the bytes `fp` was taken from. */
  startsWith(fp: Fingerprint): Promise<boolean> {
    return fingerprintMatches(this.fh, fp, this.scratch);
  }

  /** Whether the file still begins with the bytes it was fingerprinted from (false: truncated and rewritten). */
  sameContent(): Promise<boolean> {
    return this.startsWith(this.fp);
  }

  /** Offset just past the last newline within the file's final 64 KiB (where `startAt: end` begins). */
  async lastLineBoundary(): Promise<number> {
    const span = Math.min(this.size, 65536);
    const tail = Buffer.allocUnsafe(span);
    const { bytesRead } = await this.fh.read(tail, 0, span, this.size - span);
    const nl = tail.subarray(0, bytesRead).lastIndexOf(10);
    return nl === -1 ? this.size : this.size - span + nl + 1;
  }

  /** Restart reading at a line boundary (after truncation, or to skip history); the fingerprint is rebuilt. */
  async rewind(offset: number, lineNo: number, startedNs?: bigint): Promise<void> {
    await this.refresh();
    this.startedNs = startedNs ?? this.mtimeNs;
    this.reader.reset(offset, lineNo);
    this.bufStart = this.bufEnd = 0;
    this.eof = false;
    this.replaced = false;
    this.headLen = 0;
    this.fp = offset > 0 ? await fingerprintOf(this.fh, this.opts.fingerprintBytes, this.scratch) : EMPTY_FINGERPRINT;
  }

  /** Keep the bytes read within the first fingerprintBytes, and refresh the fingerprint from them. */
  private noteHead(pos: number, n: number): void {
    const max = this.opts.fingerprintBytes;
    if (pos >= max || pos > this.headLen) return;
    const end = Math.min(pos + n, max);
    if (end <= this.headLen) return;
    this.buf.copy(this.head, this.headLen, this.headLen - pos, end - pos);
    this.headLen = end;
    this.fp = fingerprintOfHead(this.head.subarray(0, this.headLen), max);
  }

  /** Read the next complete lines (up to the limits). Null when no complete line is available now. */
  async nextBatch(maxLines: number, maxBytes: number, issues: LineIssue[]): Promise<ReadBatch | null> {
    const r = this.reader;
    const startOffset = r.lineEnd;
    const firstLineNo = r.lineNo + 1;
    const startPos = r.pos;
    const lines: string[] = [];
    while (lines.length < maxLines && r.pos - startPos < maxBytes && !this.replaced) {
      if (this.bufStart >= this.bufEnd) {
        const { bytesRead } = await this.fh.read(this.buf, 0, this.buf.length, r.pos);
        if (this.verifyReads && !(await this.sameContent())) {
          this.replaced = true;
          this.bufStart = this.bufEnd = 0;
          break;
        }
        if (bytesRead === 0) {
          this.eof = true;
          break;
        }
        this.eof = false;
        this.bufStart = 0;
        this.bufEnd = bytesRead;
        this.noteHead(r.pos, bytesRead);
        if (r.pos + bytesRead > this.size) this.size = r.pos + bytesRead;
      }
      this.bufStart = r.feed(
        this.buf,
        this.bufStart,
        this.bufEnd,
        lines,
        issues,
        maxLines - lines.length,
        maxBytes - (r.pos - startPos),
      );
    }
    if (lines.length === 0) return null;
    return { lines, firstLineNo, startOffset, endOffset: r.lineEnd };
  }

  /** The held unfinished last line, as a final line (the file will not grow any more). */
  flushPartial(issues: LineIssue[]): ReadBatch | null {
    const r = this.reader;
    const startOffset = r.lineEnd;
    const line = r.flushPartial(issues);
    if (line === null) return null;
    return { lines: [line], firstLineNo: r.lineNo, startOffset, endOffset: r.lineEnd };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.fh.close();
  }
}
