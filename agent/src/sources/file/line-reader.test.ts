import { describe, expect, it } from 'vitest';
import { type LineIssue, LineReader } from './line-reader.ts';

/** Feed `chunks` one by one through the reader, as separate positional reads would deliver them. */
function run(chunks: (string | Buffer)[], maxLineBytes = 64, maxLines = 1000) {
  const r = new LineReader(0, 0, maxLineBytes);
  const lines: string[] = [];
  const issues: LineIssue[] = [];
  for (const c of chunks) {
    const buf = typeof c === 'string' ? Buffer.from(c) : c;
    let s = 0;
    while (s < buf.length) s = r.feed(buf, s, buf.length, lines, issues, maxLines, 1 << 20);
  }
  return { r, lines, issues };
}

describe('LineReader', () => {
  it('splits lines across reads and holds the unfinished last line', () => {
    const { r, lines } = run(['alpha\nbe', 'ta\r\ngam', 'ma']);
    expect(lines).toEqual(['alpha', 'beta']);
    expect(r.lineEnd).toBe('alpha\nbeta\r\n'.length);
    expect(r.pos).toBe('alpha\nbeta\r\ngamma'.length);
    expect(r.partialSince).not.toBeNull();
    expect(r.lineNo).toBe(2);
  });

  it('completes a held partial line when its newline arrives, CR split from LF too', () => {
    const { r, lines } = run(['one\r', '\ntwo', '\n']);
    expect(lines).toEqual(['one', 'two']);
    expect(r.lineEnd).toBe(9);
    expect(r.partialSince).toBeNull();
  });

  it('stops at maxLines with an exact line-boundary offset', () => {
    const r = new LineReader(100, 7, 64);
    const out: string[] = [];
    const buf = Buffer.from('a\nbb\nccc\n');
    const next = r.feed(buf, 0, buf.length, out, [], 2, 1 << 20);
    expect(out).toEqual(['a', 'bb']);
    expect([next, r.lineEnd, r.pos, r.lineNo]).toEqual([5, 105, 105, 9]);
  });

  it('cuts over-long lines at a UTF-8 boundary, counts them, and keeps reading', () => {
    const long = 'é'.repeat(40); // 80 bytes
    const { lines, issues } = run([`${long}\nshort\n`], 63);
    expect(lines[0]).toBe('é'.repeat(31)); // 62 bytes: the 32nd char would straddle byte 63
    expect(lines[1]).toBe('short');
    expect(issues).toEqual([{ lineNo: 1, code: 'line_too_long', bytes: 80 }]);
  });

  it('bounds a held line that never ends in a read, however much arrives', () => {
    const chunks = Array.from({ length: 50 }, () => 'x'.repeat(1000));
    const { r, lines, issues } = run([...chunks, '\nnext\n'], 256);
    expect(lines).toEqual(['x'.repeat(256), 'next']);
    expect(issues[0]).toMatchObject({ lineNo: 1, code: 'line_too_long', bytes: 50_000 });
    expect(r.lineEnd).toBe(50_000 + 1 + 5);
  });

  it('replaces invalid UTF-8 and reports the line, but not a genuine U+FFFD', () => {
    const bad = Buffer.concat([Buffer.from('user '), Buffer.from([0xff, 0xfe, 0xc3]), Buffer.from(' x\nok \uFFFD\n')]);
    const { lines, issues } = run([bad]);
    expect(lines[0]).toBe('user \uFFFD\uFFFD\uFFFD x');
    expect(lines[1]).toBe('ok \uFFFD');
    expect(issues).toEqual([{ lineNo: 1, code: 'invalid_utf8', bytes: 10 }]);
  });

  it('flushes a held partial line on demand', () => {
    const { r } = run(['done\nhalf']);
    expect(r.flushPartial([])).toBe('half');
    expect(r.lineEnd).toBe(9);
    expect(r.flushPartial([])).toBeNull();
  });
});
