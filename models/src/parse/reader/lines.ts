import { isAscii, isUtf8 } from 'node:buffer';

export type LineProblem = 'line_too_long' | 'invalid_utf8' | 'binary';

/** Receives every line in order; problem lines come as `bad` with their line number, never silently dropped. */
export interface LineSink {
  line(text: string, lineNo: number): void;
  bad(lineNo: number, problem: LineProblem, message: string): void;
}

export const DEFAULT_MAX_LINE_BYTES = 64 * 1024;

/**
 * Splits a byte stream into lines: `\n` ends a line, a trailing `\r` is dropped (CRLF files), a last line without
 * `\n` still counts. Lines over `maxLineBytes` are reported (not buffered: memory stays bounded by one chunk plus one
 * line), as are lines with NUL bytes or invalid UTF-8. The fast path validates and decodes a whole chunk at once and
 * splits the string with indexOf: no per-line Buffer work for clean input.
 */
export class LineSplitter {
  private carry: Buffer | undefined;
  /** Inside an over-long line: bytes are skipped until its newline. */
  private discarding = false;
  private lineNo = 0;

  constructor(
    private readonly sink: LineSink,
    private readonly maxLineBytes = DEFAULT_MAX_LINE_BYTES,
  ) {}

  get lines(): number {
    return this.lineNo;
  }

  push(chunk: Buffer): void {
    let start = 0;
    if (this.discarding || this.carry !== undefined) {
      const nl = chunk.indexOf(10);
      if (nl < 0) {
        this.extendCarry(chunk);
        return;
      }
      if (this.discarding) this.tooLong();
      else this.emitBytes(Buffer.concat([this.carry!, chunk.subarray(0, nl)]));
      this.carry = undefined;
      this.discarding = false;
      start = nl + 1;
    }
    const last = chunk.lastIndexOf(10);
    if (last >= start) this.emitBlock(chunk.subarray(start, last + 1));
    const restStart = Math.max(start, last + 1);
    if (restStart < chunk.length) this.extendCarry(chunk.subarray(restStart));
  }

  /** Flush the final line (one without a trailing newline). */
  end(): void {
    if (this.discarding) this.tooLong();
    else if (this.carry !== undefined && this.carry.length > 0) this.emitBytes(this.carry);
    this.carry = undefined;
    this.discarding = false;
  }

  private extendCarry(bytes: Buffer): void {
    if (this.discarding) return;
    const size = (this.carry?.length ?? 0) + bytes.length;
    if (size > this.maxLineBytes + 1) {
      this.carry = undefined;
      this.discarding = true;
      return;
    }
    // copy: the carry must not pin the whole read chunk in memory
    this.carry = this.carry === undefined ? Buffer.from(bytes) : Buffer.concat([this.carry, bytes]);
  }

  private tooLong(): void {
    this.sink.bad(++this.lineNo, 'line_too_long', `line longer than ${this.maxLineBytes} bytes`);
  }

  /** A block of complete lines (ends with \n). */
  private emitBlock(block: Buffer): void {
    // ASCII (the common case) decodes fastest as latin1; anything else must be valid UTF-8 without NUL bytes
    const ascii = isAscii(block);
    if (block.indexOf(0) >= 0 || (!ascii && !isUtf8(block))) {
      let s = 0;
      for (let nl = block.indexOf(10); nl >= 0; nl = block.indexOf(10, s)) {
        this.emitBytes(block.subarray(s, nl));
        s = nl + 1;
      }
      return;
    }
    const text = block.toString(ascii ? 'latin1' : 'utf8');
    const sink = this.sink;
    const max = this.maxLineBytes;
    let s = 0;
    for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', s)) {
      let e = nl;
      if (e > s && text.charCodeAt(e - 1) === 13) e--;
      const lineNo = ++this.lineNo;
      // UTF-16 length is a lower bound of the UTF-8 length, 3x an upper bound: only measure in between
      const len = e - s;
      if (len > max || (len * 3 > max && Buffer.byteLength(text.slice(s, e)) > max)) {
        sink.bad(lineNo, 'line_too_long', `line longer than ${max} bytes`);
      } else sink.line(text.slice(s, e), lineNo);
      s = nl + 1;
    }
  }

  /** One line's bytes (without \n): the careful path for problem blocks and lines that span chunks. */
  private emitBytes(bytes: Buffer): void {
    const lineNo = ++this.lineNo;
    let b = bytes;
    if (b.length > 0 && b[b.length - 1] === 13) b = b.subarray(0, b.length - 1);
    if (b.length > this.maxLineBytes) {
      this.sink.bad(lineNo, 'line_too_long', `line longer than ${this.maxLineBytes} bytes`);
      return;
    }
    const nul = b.indexOf(0);
    if (nul >= 0) {
      this.sink.bad(lineNo, 'binary', `NUL byte at column ${nul + 1} (binary data)`);
      return;
    }
    if (!isUtf8(b)) {
      this.sink.bad(lineNo, 'invalid_utf8', `invalid UTF-8 at column ${firstInvalidUtf8(b) + 1}`);
      return;
    }
    this.sink.line(b.toString('utf8'), lineNo);
  }
}

/** Byte offset of the first invalid UTF-8 sequence, -1 if none (for the error message). */
export function firstInvalidUtf8(b: Buffer): number {
  let i = 0;
  while (i < b.length) {
    const c = b[i];
    const n = c < 0x80 ? 0 : c >= 0xc2 && c <= 0xdf ? 1 : c >= 0xe0 && c <= 0xef ? 2 : c >= 0xf0 && c <= 0xf4 ? 3 : -1;
    if (n < 0 || (n > 0 && (i + n >= b.length || !isUtf8(b.subarray(i, i + n + 1))))) return i;
    i += n + 1;
  }
  return -1;
}
