import { describe, expect, it } from 'vitest';
import { decodeAwsChunked } from './chunked.ts';

const SIG = 'a'.repeat(64);

describe('decodeAwsChunked', () => {
  it('decodes unsigned chunks with a checksum trailer (what the JS SDK sends)', () => {
    const out = decodeAwsChunked(Buffer.from('3\r\nhel\r\n2\r\nlo\r\n0\r\nx-amz-checksum-crc32:NhCmhg==\r\n\r\n'));
    expect(out.payload.toString()).toBe('hello');
    expect(out.trailers).toEqual({ 'x-amz-checksum-crc32': 'NhCmhg==' });
    expect(out.signed).toBe(false);
  });

  it('decodes signed chunks (STREAMING-AWS4-HMAC-SHA256-PAYLOAD) with binary data', () => {
    const data = Buffer.from([0, 13, 10, 255, 48]);
    const body = Buffer.concat([
      Buffer.from(`5;chunk-signature=${SIG}\r\n`),
      data,
      Buffer.from(`\r\n0;chunk-signature=${SIG}\r\n\r\n`),
    ]);
    const out = decodeAwsChunked(body);
    expect(out.payload.equals(data)).toBe(true);
    expect(out.signed).toBe(true);
  });

  it('refuses truncated, oversized and malformed framing', () => {
    for (const body of [
      '5\r\nhel\r\n0\r\n\r\n', // chunk shorter than declared
      '3\r\nhelXX0\r\n\r\n', // missing CRLF after data
      'zz\r\nhel\r\n', // bad size
      '3\r\nhel\r\n0\r\n\r\ntrailing', // bytes after the end
      `3;chunk-signature=${SIG}\r\nhel\r\n0\r\n\r\n`, // signatures on only some chunks
      'fffffffffffffff\r\n', // size past the body
    ]) {
      expect(() => decodeAwsChunked(Buffer.from(body)), JSON.stringify(body)).toThrow(/aws-chunked/);
    }
  });
});
