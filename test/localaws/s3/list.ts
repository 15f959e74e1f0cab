import { AwsError } from '../core/errors.ts';
import { el, XML_DECLARATION } from '../core/xml.ts';
import { type Bucket, lowerBoundKey, type S3Object } from './store.ts';

export const S3_XMLNS = 'http://s3.amazonaws.com/doc/2006-03-01/';

export interface ListParams {
  prefix: string;
  delimiter?: string;
  maxKeys: number;
  continuationToken?: string;
  startAfter?: string;
  encodeUrl: boolean;
  fetchOwner: boolean;
}

/** Tokens remember the last key or common prefix returned, so the next page resumes right after it. */
function encodeToken(marker: { key?: string; prefix?: string }): string {
  return Buffer.from(marker.prefix !== undefined ? `p${marker.prefix}` : `k${marker.key}`, 'utf8').toString('base64');
}

function decodeToken(token: string): { after: string; skipPrefix?: string } {
  const text = Buffer.from(token, 'base64').toString('utf8');
  if (
    text.length < 1 ||
    (text[0] !== 'p' && text[0] !== 'k') ||
    Buffer.from(text, 'utf8').toString('base64') !== token
  ) {
    throw new AwsError('InvalidArgument', 'The continuation token provided is incorrect', 400, {
      ArgumentName: 'continuation-token',
    });
  }
  const marker = text.slice(1);
  return text[0] === 'p' ? { after: marker, skipPrefix: marker } : { after: marker };
}

/** ListObjectsV2 over the bucket's sorted keys: keys and common prefixes both count toward max-keys. */
export function listObjectsV2(bucket: Bucket, p: ListParams) {
  const resume = p.continuationToken !== undefined ? decodeToken(p.continuationToken) : undefined;
  const after = resume?.after ?? p.startAfter ?? '';
  const keys = bucket.sortedKeys;
  let i = Math.max(lowerBoundKey(keys, p.prefix), lowerBoundKey(keys, after));
  const contents: S3Object[] = [];
  const prefixes: string[] = [];
  let lastPrefix = resume?.skipPrefix;
  let truncated = false;
  let marker: { key?: string; prefix?: string } | undefined;
  for (; i < keys.length; i++) {
    const key = keys[i];
    if (!key.startsWith(p.prefix)) break; // keys sharing a prefix are contiguous in sorted order
    if (key === after || (lastPrefix !== undefined && key.startsWith(lastPrefix))) continue;
    const cut = p.delimiter ? key.indexOf(p.delimiter, p.prefix.length) : -1;
    const common = cut >= 0 ? key.slice(0, cut + p.delimiter!.length) : undefined;
    if (contents.length + prefixes.length >= p.maxKeys) {
      truncated = true;
      break;
    }
    if (common !== undefined) {
      prefixes.push(common);
      lastPrefix = common;
      marker = { prefix: common };
    } else {
      contents.push(bucket.objects.get(key)!);
      marker = { key };
    }
  }
  return renderList(bucket, p, contents, prefixes, truncated && marker ? encodeToken(marker) : undefined);
}

function renderList(bucket: Bucket, p: ListParams, contents: S3Object[], prefixes: string[], next?: string): string {
  const enc = (s: string | undefined) => (s !== undefined && p.encodeUrl ? encodeKey(s) : s);
  const items = contents.map(
    (o) =>
      `<Contents>${el('Key', enc(o.key))}${el('LastModified', new Date(o.lastModified).toISOString())}` +
      `${el('ETag', o.etag)}${o.checksum ? el('ChecksumAlgorithm', o.checksum.algorithm.toUpperCase()) + el('ChecksumType', 'FULL_OBJECT') : ''}` +
      `${el('Size', o.body.length)}${p.fetchOwner ? OWNER : ''}${el('StorageClass', 'STANDARD')}</Contents>`,
  );
  return (
    `${XML_DECLARATION}<ListBucketResult xmlns="${S3_XMLNS}">${el('Name', bucket.name)}${el('Prefix', enc(p.prefix))}` +
    `${el('NextContinuationToken', next)}${el('KeyCount', contents.length + prefixes.length)}${el('MaxKeys', p.maxKeys)}` +
    `${el('Delimiter', enc(p.delimiter))}${el('IsTruncated', next !== undefined)}${items.join('')}` +
    prefixes.map((cp) => `<CommonPrefixes>${el('Prefix', enc(cp))}</CommonPrefixes>`).join('') +
    `${p.encodeUrl ? el('EncodingType', 'url') : ''}${el('ContinuationToken', p.continuationToken)}` +
    `${el('StartAfter', enc(p.startAfter))}</ListBucketResult>`
  );
}

const OWNER = '<Owner><ID>75aa57f09aa0c8caeab4f8c24e99d10f8e7faeebf76c078efc7c6caea54ba06a</ID></Owner>';

/** `encoding-type=url`: percent-encode everything except unreserved characters and `/`. */
function encodeKey(s: string): string {
  return encodeURIComponent(s).replace(/%2F/g, '/');
}
