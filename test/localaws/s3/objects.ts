import { AwsError } from '../core/errors.ts';
import type { LocalRequest, LocalResponse } from '../core/types.ts';
import { CHECKSUM_ALGORITHMS, computeChecksum, md5, sha256Hex } from './checksums.ts';
import { decodeAwsChunked } from './chunked.ts';
import type { S3Object, S3State } from './store.ts';

const STORED_HEADERS = ['content-encoding', 'content-disposition', 'cache-control', 'content-language', 'expires'];
const MAX_METADATA_BYTES = 2048;

function header(req: LocalRequest, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v.join(',') : v;
}

/** The payload after undoing aws-chunked framing and checking x-amz-content-sha256, plus any trailers. */
function readPayload(req: LocalRequest): { payload: Buffer; trailers: Record<string, string> } {
  const contentSha = header(req, 'x-amz-content-sha256');
  const encodings = (header(req, 'content-encoding') ?? '').split(',').map((s) => s.trim());
  if (contentSha?.startsWith('STREAMING-') || encodings.includes('aws-chunked')) {
    const decoded = decodeAwsChunked(req.body);
    if (contentSha?.startsWith('STREAMING-AWS4-HMAC-SHA256-PAYLOAD') && !decoded.signed) {
      throw new AwsError('InvalidRequest', 'Chunk signatures are required for STREAMING-AWS4-HMAC-SHA256-PAYLOAD', 400);
    }
    const declared = header(req, 'x-amz-decoded-content-length');
    if (declared === undefined || Number(declared) !== decoded.payload.length) {
      throw new AwsError(
        'IncompleteBody',
        'You did not provide the number of bytes specified by x-amz-decoded-content-length',
        400,
      );
    }
    return decoded;
  }
  if (contentSha && /^[0-9a-f]{64}$/.test(contentSha) && sha256Hex(req.body) !== contentSha) {
    throw new AwsError(
      'XAmzContentSHA256Mismatch',
      "The provided 'x-amz-content-sha256' header does not match what was computed.",
      400,
    );
  }
  return { payload: req.body, trailers: {} };
}

function verifyIntegrity(req: LocalRequest, payload: Buffer, trailers: Record<string, string>): S3Object['checksum'] {
  const contentMd5 = header(req, 'content-md5');
  if (contentMd5 !== undefined) {
    const want = Buffer.from(contentMd5, 'base64');
    if (want.length !== 16) throw new AwsError('InvalidDigest', 'The Content-MD5 you specified was invalid.', 400);
    if (!want.equals(md5(payload))) {
      throw new AwsError('BadDigest', 'The Content-MD5 you specified did not match what we received.', 400);
    }
  }
  let checksum: S3Object['checksum'];
  for (const algorithm of CHECKSUM_ALGORITHMS) {
    const name = `x-amz-checksum-${algorithm}`;
    const value = trailers[name] ?? header(req, name);
    if (value === undefined) continue;
    if (checksum)
      throw new AwsError(
        'InvalidRequest',
        'Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed.',
        400,
      );
    const actual = computeChecksum(algorithm, payload);
    if (actual !== undefined && actual !== value) {
      throw new AwsError(
        'BadDigest',
        `The ${algorithm.toUpperCase()} you specified did not match the calculated checksum.`,
        400,
      );
    }
    checksum = { algorithm, value };
  }
  return checksum;
}

function userMetadata(req: LocalRequest): Record<string, string> {
  // Header names are client-chosen: a null-prototype object makes `x-amz-meta-__proto__` an ordinary entry.
  const out: Record<string, string> = Object.create(null);
  let bytes = 0;
  for (const [name, value] of Object.entries(req.headers)) {
    if (!name.startsWith('x-amz-meta-') || value === undefined) continue;
    const v = Array.isArray(value) ? value.join(',') : value;
    out[name.slice('x-amz-meta-'.length)] = v;
    bytes += name.length - 'x-amz-meta-'.length + Buffer.byteLength(v);
  }
  if (bytes > MAX_METADATA_BYTES) {
    throw new AwsError('MetadataTooLarge', 'Your metadata headers exceed the maximum allowed metadata size.', 400);
  }
  return out;
}

export function putObject(s3: S3State, req: LocalRequest, bucket: string, key: string): LocalResponse {
  s3.requireBucket(bucket);
  const { payload, trailers } = readPayload(req);
  const checksum = verifyIntegrity(req, payload, trailers);
  if (header(req, 'if-none-match') === '*' && s3.getObject(bucket, key)) {
    throw new AwsError('PreconditionFailed', 'At least one of the pre-conditions you specified did not hold', 412, {
      Condition: 'If-None-Match',
    });
  }
  const headers: Record<string, string> = {};
  for (const name of STORED_HEADERS) {
    const v = header(req, name);
    // aws-chunked is transfer framing, not a property of the stored object
    const kept =
      name === 'content-encoding'
        ? v
            ?.split(',')
            .map((s) => s.trim())
            .filter((s) => s !== 'aws-chunked')
            .join(',')
        : v;
    if (kept) headers[name] = kept;
  }
  const obj = s3.putObject(bucket, key, payload, {
    contentType: header(req, 'content-type'),
    headers,
    metadata: userMetadata(req),
    checksum,
  });
  return {
    status: 200,
    headers: { etag: obj.etag, ...checksumHeaders(obj), 'x-amz-server-side-encryption': 'AES256' },
  };
}

function checksumHeaders(obj: S3Object): Record<string, string> {
  if (!obj.checksum) return {};
  return { [`x-amz-checksum-${obj.checksum.algorithm}`]: obj.checksum.value, 'x-amz-checksum-type': 'FULL_OBJECT' };
}

type Range = { start: number; end: number } | undefined;

/** `bytes=a-b`, `bytes=a-`, `bytes=-n`; anything else (multiple ranges, other units) is ignored, as S3 does. */
function parseRange(value: string | undefined, size: number): Range {
  const m = value === undefined ? null : /^bytes=(\d{0,19})-(\d{0,19})$/.exec(value.trim());
  if (!m || (m[1] === '' && m[2] === '')) return undefined;
  let start: number;
  let end: number;
  if (m[1] === '') {
    start = Math.max(0, size - Number(m[2]));
    end = size - 1;
    if (Number(m[2]) === 0) start = size; // bytes=-0 is unsatisfiable
  } else {
    start = Number(m[1]);
    end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
    if (m[2] !== '' && Number(m[2]) < start) return undefined;
  }
  if (start >= size) {
    throw new AwsError('InvalidRange', 'The requested range is not satisfiable', 416, {
      RangeRequested: value!,
      ActualObjectSize: size,
    });
  }
  return { start, end };
}

/** GetObject and HeadObject: the same headers; HEAD sends no body. */
export function getObject(s3: S3State, req: LocalRequest, bucket: string, key: string, head: boolean): LocalResponse {
  const obj = s3.getObject(bucket, key);
  if (!obj) throw new AwsError('NoSuchKey', 'The specified key does not exist.', 404, { Key: key });
  const ifMatch = header(req, 'if-match');
  if (ifMatch !== undefined && ifMatch !== '*' && !ifMatch.split(',').some((t) => t.trim() === obj.etag)) {
    throw new AwsError('PreconditionFailed', 'At least one of the pre-conditions you specified did not hold', 412, {
      Condition: 'If-Match',
    });
  }
  const ifNoneMatch = header(req, 'if-none-match');
  const base: Record<string, string | number> = {
    'content-type': obj.contentType,
    etag: obj.etag,
    'last-modified': new Date(obj.lastModified).toUTCString(),
    'accept-ranges': 'bytes',
    'x-amz-server-side-encryption': 'AES256',
    ...obj.headers,
  };
  for (const [name, value] of Object.entries(obj.metadata)) base[`x-amz-meta-${name}`] = value;
  if (ifNoneMatch !== undefined && (ifNoneMatch === '*' || ifNoneMatch.split(',').some((t) => t.trim() === obj.etag))) {
    return { status: 304, headers: { etag: obj.etag, 'last-modified': base['last-modified'] } };
  }
  const range = parseRange(header(req, 'range'), obj.body.length);
  if (range) {
    const body = obj.body.subarray(range.start, range.end + 1);
    base['content-range'] = `bytes ${range.start}-${range.end}/${obj.body.length}`;
    base['content-length'] = body.length;
    return { status: 206, headers: base, body: head ? undefined : body };
  }
  const withChecksum = header(req, 'x-amz-checksum-mode') === 'ENABLED' ? checksumHeaders(obj) : {};
  return {
    status: 200,
    headers: { ...base, ...withChecksum, 'content-length': obj.body.length },
    body: head ? undefined : obj.body,
  };
}
