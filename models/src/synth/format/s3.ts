import type { LogEvent } from '../../schema/event.ts';
import type { Rng } from '../rng.ts';
import { s3Time } from '../time.ts';
import type { Attrs, SynthRecord } from '../types.ts';
import { files } from './files.ts';
import { withLabel } from './samples.ts';

/** One S3 request. Absent values are written as `-`. */
export interface S3Request {
  bucket: string;
  ts: number;
  ip: string;
  /** IAM ARN, canonical id, or undefined for anonymous requests. */
  requester?: string;
  operation: string;
  key?: string;
  method: 'GET' | 'PUT' | 'HEAD' | 'DELETE' | 'POST';
  /** Query string appended to the request URI (without `?`). */
  query?: string;
  status: number;
  errorCode?: string;
  bytesSent?: number;
  objectSize?: number;
  totalMs: number;
  turnaroundMs?: number;
  userAgent: string;
  versionId?: string;
  /** Pre-signed URL requests use QueryString. */
  authType?: 'AuthHeader' | 'QueryString';
  region: string;
}

const dash = (v: string | number | undefined) => (v === undefined || v === '' ? '-' : String(v));

/**
 * Server access log line in AWS field order (26 fields: through TLS version, access point ARN and ACL required).
 * Keys are written URL-encoded as AWS does; the generator only uses keys whose encoding is the identity.
 */
export function s3Record(owner: string, r: S3Request, rng: Rng, label?: string): SynthRecord {
  const requestId = rng.upperHex(16);
  const hostId = `${rng.base64(75)}=`;
  const path = r.key ? `/${r.bucket}/${r.key}` : `/${r.bucket}`;
  const requestUri = `${r.method} ${path}${r.query ? `?${r.query}` : ''} HTTP/1.1`;
  const anonymous = r.requester === undefined;
  const authType = anonymous ? undefined : (r.authType ?? 'AuthHeader');
  const bytesSent = r.bytesSent && r.bytesSent > 0 ? r.bytesSent : undefined;
  const line = [
    owner,
    r.bucket,
    s3Time(r.ts),
    r.ip,
    dash(r.requester),
    requestId,
    r.operation,
    dash(r.key),
    `"${requestUri}"`,
    String(r.status),
    dash(r.errorCode),
    dash(bytesSent),
    dash(r.objectSize),
    String(r.totalMs),
    dash(r.turnaroundMs),
    '"-"',
    `"${r.userAgent}"`,
    dash(r.versionId),
    hostId,
    anonymous ? '-' : 'SigV4',
    'TLS_AES_128_GCM_SHA256',
    dash(authType),
    `${r.bucket}.s3.${r.region}.amazonaws.com`,
    'TLSv1.3',
    '-',
    '-',
  ].join(' ');
  const attrs: Attrs = { bucket: r.bucket, userAgent: r.userAgent, requestId, requestUri, bucketOwner: owner };
  if (r.key) attrs.key = r.key;
  if (r.errorCode) attrs.errorCode = r.errorCode;
  if (r.objectSize !== undefined) attrs.objectSize = r.objectSize;
  if (authType) attrs.authType = authType;
  const event: LogEvent = {
    ts: Math.floor(r.ts / 1000) * 1000,
    source: 's3',
    srcIp: r.ip,
    action: r.operation,
    status: String(r.status),
    outcome: r.status < 400 ? 'success' : 'failure',
    resource: r.key ? `${r.bucket}/${r.key}` : r.bucket,
    durationMs: r.totalMs,
    attrs,
    raw: line,
  };
  if (r.requester !== undefined) event.principal = r.requester;
  if (bytesSent !== undefined) event.bytes = bytesSent;
  return withLabel({ source: 's3', file: files.s3(r.bucket), line, event }, label);
}
