import { describe, expect, it } from 'vitest';
import { ProtoWriter } from './protobuf.ts';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

describe('ProtoWriter', () => {
  it('encodes varints as the protobuf spec examples', () => {
    expect(hex(new ProtoWriter().varint(1).finish())).toBe('01');
    expect(hex(new ProtoWriter().varint(300).finish())).toBe('ac02');
    expect(hex(new ProtoWriter().varint(2 ** 35).finish())).toBe('808080808001');
    expect(hex(new ProtoWriter().varint(2n ** 63n - 1n).finish())).toBe('ffffffffffffffff7f');
  });

  it('encodes negative int64 as ten-byte two’s complement', () => {
    expect(hex(new ProtoWriter().varint(-1).finish())).toBe('ffffffffffffffffff01');
    expect(hex(new ProtoWriter().varint(-2n).finish())).toBe('feffffffffffffffff01');
    expect(() => new ProtoWriter().varint(1.5)).toThrow(/safe integer/);
  });

  it('writes tags, fixed32 floats, strings, nested and packed fields', () => {
    const w = new ProtoWriter()
      .int64(1, 150)
      .float(2, 1.5)
      .string(3, 'hé')
      .message(4, (m) => m.int64(1, 2))
      .packedInt64(5, [3, 270])
      .packedFloat(6, [1]);
    expect(hex(w.finish())).toBe(
      ['089601', '150000c03f', '1a0368c3a9', '22020802', '2a03038e02', '32040000803f'].join(''),
    );
  });

  it('grows its buffer for large payloads', () => {
    const big = new Uint8Array(100_000).fill(7);
    const out = new ProtoWriter().bytes(1, big).finish();
    expect(out.length).toBe(1 + 3 + 100_000);
    expect(out[out.length - 1]).toBe(7);
  });
});
