import { AwsError } from '../core/errors.ts';

export interface DecodedChunks {
  payload: Buffer;
  /** Trailing headers (lower-cased names), e.g. `x-amz-checksum-crc32`. */
  trailers: Record<string, string>;
  /** True when chunk headers carried `;chunk-signature=` (STREAMING-AWS4-HMAC-SHA256-PAYLOAD*). */
  signed: boolean;
}

const MAX_LINE = 4096;
const CHUNK_HEADER = /^([0-9a-fA-F]{1,16})(;chunk-signature=[0-9a-f]{64})?$/;
const TRAILER = /^([A-Za-z0-9-]{1,128}):(.{0,1024})$/;

function malformed(detail: string): never {
  throw new AwsError('IncompleteBody', `The aws-chunked request body is malformed: ${detail}`, 400);
}

function readLine(body: Buffer, from: number): { line: string; next: number } {
  const end = body.indexOf('\r\n', from);
  if (end < 0 || end - from > MAX_LINE) malformed(`no CRLF-terminated line at byte ${from}`);
  return { line: body.toString('latin1', from, end), next: end + 2 };
}

/**
 * Decode an `aws-chunked` body (the SDK sends one for streaming uploads of known length): chunks of
 * `<hex size>[;chunk-signature=<sig>]\r\n<data>\r\n`, a zero-size chunk, then trailer lines and an empty line.
 * Signatures are checked for shape, not recomputed, consistent with the rest of the stand-ins.
 */
export function decodeAwsChunked(body: Buffer): DecodedChunks {
  const parts: Buffer[] = [];
  let pos = 0;
  let signed: boolean | undefined;
  for (;;) {
    const { line, next } = readLine(body, pos);
    const m = CHUNK_HEADER.exec(line);
    if (!m) malformed(`bad chunk header '${line.slice(0, 80)}' at byte ${pos}`);
    const chunkSigned = m[2] !== undefined;
    if (signed !== undefined && signed !== chunkSigned) malformed('chunk signatures present on only some chunks');
    signed = chunkSigned;
    const size = Number.parseInt(m[1], 16);
    pos = next;
    if (size === 0) break;
    if (pos + size + 2 > body.length) malformed(`chunk of ${size} bytes at byte ${pos} runs past the body`);
    parts.push(body.subarray(pos, pos + size));
    pos += size;
    if (body[pos] !== 13 || body[pos + 1] !== 10) malformed(`chunk data at byte ${pos} is not followed by CRLF`);
    pos += 2;
  }
  const trailers: Record<string, string> = {};
  for (;;) {
    if (pos >= body.length) break; // a body may end right after the final chunk header (no trailers)
    const { line, next } = readLine(body, pos);
    pos = next;
    if (line === '') break;
    const t = TRAILER.exec(line);
    if (!t) malformed(`bad trailer line '${line.slice(0, 80)}'`);
    trailers[t[1].toLowerCase()] = t[2].trim();
  }
  if (pos !== body.length) malformed(`${body.length - pos} unexpected bytes after the trailers`);
  return { payload: Buffer.concat(parts), trailers, signed: signed ?? false };
}
