/** A per-line problem the reader repaired; line numbers are 1-based within the file. */
export interface LineIssue {
  lineNo: number;
  code: 'line_too_long' | 'invalid_utf8';
  bytes: number;
}

const NL = 10;
const CR = 13;
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** End a cut at `end` before a UTF-8 sequence that the cut would split (so the kept prefix decodes cleanly). */
function utf8CutEnd(buf: Uint8Array, start: number, end: number): number {
  for (let i = end - 1; i >= start && i >= end - 4; i--) {
    const b = buf[i];
    if ((b & 0xc0) === 0x80) continue;
    const len = b < 0x80 ? 1 : b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
    return i + len > end ? i : end;
  }
  return end;
}

function hasInvalidUtf8(bytes: Uint8Array): boolean {
  try {
    strictUtf8.decode(bytes);
    return false;
  } catch {
    return true;
  }
}

/**
 * Splits a byte stream into lines, byte-offset exact. The caller feeds bytes that start at `pos`; complete lines come
 * out, and the unfinished last line is held (bounded by maxLineBytes) until its newline arrives. `lineEnd` is always
 * a line boundary, so it is what gets checkpointed and where a restart resumes.
 */
export class LineReader {
  /** File offset of the next byte to feed. */
  pos: number;
  /** File offset just past the last complete line returned. */
  lineEnd: number;
  /** Lines returned so far in this file. */
  lineNo: number;
  /** When the held partial line began (Date.now()), or null when none is held. */
  partialSince: number | null = null;
  private carry: Buffer | null = null;
  private carryLen = 0;
  /** Bytes of the current line dropped past maxLineBytes. */
  private dropped = 0;

  constructor(
    offset: number,
    lineNo: number,
    private readonly maxLineBytes: number,
  ) {
    this.pos = offset;
    this.lineEnd = offset;
    this.lineNo = lineNo;
  }

  get partialBytes(): number {
    return this.carryLen + this.dropped;
  }

  /** Forget everything held and resume at a line boundary (truncation, or re-reading from a copy). */
  reset(offset: number, lineNo: number): void {
    this.pos = offset;
    this.lineEnd = offset;
    this.lineNo = lineNo;
    this.carryLen = 0;
    this.dropped = 0;
    this.partialSince = null;
  }

  /**
   * Consume buf[start, end) (bytes at file offset `pos`), pushing complete lines onto `out` until `maxLines` lines or
   * `maxBytes` bytes were taken. Returns the index of the first byte not consumed.
   */
  feed(
    buf: Buffer,
    start: number,
    end: number,
    out: string[],
    issues: LineIssue[],
    maxLines: number,
    maxBytes: number,
  ): number {
    const base = this.pos;
    let s = start;
    let taken = 0;
    while (s < end && taken < maxLines && s - start < maxBytes) {
      let nl = buf.indexOf(NL, s);
      if (nl >= end) nl = -1;
      if (nl === -1) {
        this.hold(buf, s, end);
        s = end;
        break;
      }
      out.push(this.partialBytes > 0 ? this.finishCarried(buf, s, nl, issues) : this.lineAt(buf, s, nl, issues));
      taken++;
      s = nl + 1;
      this.lineEnd = base + (s - start);
    }
    this.pos = base + (s - start);
    return s;
  }

  /** Deliver the held partial line as a line (its file is finished). Returns null when nothing is held. */
  flushPartial(issues: LineIssue[]): string | null {
    if (this.partialBytes === 0) return null;
    const line = this.finishCarried(Buffer.alloc(0), 0, 0, issues);
    this.lineEnd = this.pos;
    return line;
  }

  private lineAt(buf: Buffer, s: number, nl: number, issues: LineIssue[]): string {
    let e = nl > s && buf[nl - 1] === CR ? nl - 1 : nl;
    this.lineNo++;
    if (e - s > this.maxLineBytes) {
      issues.push({ lineNo: this.lineNo, code: 'line_too_long', bytes: e - s });
      e = utf8CutEnd(buf, s, s + this.maxLineBytes);
    }
    const line = buf.toString('utf8', s, e);
    if (line.includes('\uFFFD') && hasInvalidUtf8(buf.subarray(s, e))) {
      issues.push({ lineNo: this.lineNo, code: 'invalid_utf8', bytes: e - s });
    }
    return line;
  }

  private hold(buf: Buffer, s: number, e: number): void {
    if (e <= s) return;
    if (this.partialBytes === 0) this.partialSince = Date.now();
    const room = this.maxLineBytes - this.carryLen;
    const keep = Math.min(room, e - s);
    if (keep > 0) {
      if (!this.carry) this.carry = Buffer.allocUnsafe(this.maxLineBytes);
      buf.copy(this.carry, this.carryLen, s, s + keep);
      this.carryLen += keep;
    }
    this.dropped += e - s - keep;
  }

  private finishCarried(buf: Buffer, s: number, nl: number, issues: LineIssue[]): string {
    this.hold(buf, s, nl);
    const carry = this.carry ?? Buffer.alloc(0);
    let e = this.carryLen;
    if (this.dropped === 0 && e > 0 && carry[e - 1] === CR) e--;
    this.lineNo++;
    const total = this.carryLen + this.dropped;
    if (this.dropped > 0) {
      issues.push({ lineNo: this.lineNo, code: 'line_too_long', bytes: total });
      e = utf8CutEnd(carry, 0, e);
    }
    const line = carry.toString('utf8', 0, e);
    if (line.includes('\uFFFD') && hasInvalidUtf8(carry.subarray(0, e))) {
      issues.push({ lineNo: this.lineNo, code: 'invalid_utf8', bytes: e });
    }
    this.carryLen = 0;
    this.dropped = 0;
    this.partialSince = null;
    return line;
  }
}
