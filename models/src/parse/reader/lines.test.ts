import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { firstInvalidUtf8, type LineProblem, LineSplitter } from './lines.ts';

interface Got {
  lines: [number, string][];
  bad: [number, LineProblem][];
}

function split(chunks: Buffer[], max?: number): Got {
  const got: Got = { lines: [], bad: [] };
  const s = new LineSplitter({ line: (t, n) => got.lines.push([n, t]), bad: (n, p) => got.bad.push([n, p]) }, max);
  for (const c of chunks) s.push(c);
  s.end();
  return got;
}

describe('LineSplitter', () => {
  it('splits LF and CRLF, keeps a final line without newline, keeps blank lines', () => {
    const got = split([Buffer.from('a\r\nb\n\nc')]);
    expect(got.lines).toEqual([
      [1, 'a'],
      [2, 'b'],
      [3, ''],
      [4, 'c'],
    ]);
  });

  it('joins lines across chunk boundaries, including a CR/LF split between chunks and UTF-8 split mid-character', () => {
    const text = Buffer.from('héllo wörld\r\nzweite Zeile ✓\n');
    const got = split([text.subarray(0, 2), text.subarray(2, 13), text.subarray(13, 14), text.subarray(14)]);
    expect(got.lines).toEqual([
      [1, 'héllo wörld'],
      [2, 'zweite Zeile ✓'],
    ]);
  });

  it('reports over-long lines once, with their number, and stays bounded', () => {
    const long = 'x'.repeat(100);
    const got = split([Buffer.from(`ok\n${long}\nafter\n`)], 50);
    expect(got.lines).toEqual([
      [1, 'ok'],
      [3, 'after'],
    ]);
    expect(got.bad).toEqual([[2, 'line_too_long']]);
    // the same line streamed in small chunks, and as the final line without newline
    const chunks = Array.from({ length: 20 }, () => Buffer.from('y'.repeat(10)));
    const streamed = split([Buffer.from('a\n'), ...chunks, Buffer.from('\nb')], 50);
    expect(streamed.bad).toEqual([[2, 'line_too_long']]);
    expect(streamed.lines).toEqual([
      [1, 'a'],
      [3, 'b'],
    ]);
    expect(split([Buffer.from(`a\n${long}`)], 50).bad).toEqual([[2, 'line_too_long']]);
  });

  it('reports NUL bytes and invalid UTF-8 with line numbers and keeps going', () => {
    const buf = Buffer.concat([
      Buffer.from('good\nbin\0ary\nbad '),
      Buffer.from([0xc3, 0x28]),
      Buffer.from('\nlast\n'),
    ]);
    const got = split([buf]);
    expect(got.lines).toEqual([
      [1, 'good'],
      [4, 'last'],
    ]);
    expect(got.bad).toEqual([
      [2, 'binary'],
      [3, 'invalid_utf8'],
    ]);
    expect(firstInvalidUtf8(Buffer.from([0x61, 0xc3, 0x28]))).toBe(1);
    expect(firstInvalidUtf8(Buffer.from('ok ✓'))).toBe(-1);
  });

  it('gives the same lines whatever the chunking (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom('\n', '\r\n', 'é', '✓', '\0', '\r')), {
          maxLength: 40,
        }),
        fc.array(fc.nat({ max: 30 }), { maxLength: 10 }),
        (parts, cuts) => {
          const buf = Buffer.from(parts.join(''));
          const whole = split([buf], 64);
          const pieces: Buffer[] = [];
          let at = 0;
          for (const c of cuts) {
            const end = Math.min(buf.length, at + c);
            pieces.push(buf.subarray(at, end));
            at = end;
          }
          pieces.push(buf.subarray(at));
          expect(split(pieces, 64)).toEqual(whole);
          const total = whole.lines.length + whole.bad.length;
          const expected =
            buf.length === 0 ? 0 : buf.toString('latin1').split('\n').length - (buf.at(-1) === 10 ? 1 : 0);
          expect(total).toBe(expected);
        },
      ),
      { numRuns: 300 },
    );
  });
});
