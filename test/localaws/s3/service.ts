import { AwsError } from '../core/errors.ts';
import type { LocalRequest, LocalResponse, ServiceHandler } from '../core/types.ts';
import { el, XML_DECLARATION } from '../core/xml.ts';
import { listObjectsV2, S3_XMLNS } from './list.ts';
import { getObject, putObject } from './objects.ts';
import { type S3State, validBucketName } from './store.ts';

export interface S3Options {
  /** Largest object accepted by PutObject (S3's own limit is 5 GiB; the stand-in keeps objects in memory). */
  maxObjectBytes?: number;
}

interface Target {
  bucket?: string;
  key?: string;
}

const MAX_KEY_BYTES = 1024;
const OWNER_ID = '75aa57f09aa0c8caeab4f8c24e99d10f8e7faeebf76c078efc7c6caea54ba06a';

/** Path-style addressing: `/<bucket>/<key>`. The key is percent-decoded once and never normalized. */
function parseTarget(rawPath: string): Target {
  const rest = rawPath.replace(/^\//, '');
  const slash = rest.indexOf('/');
  let bucket: string;
  let key: string;
  try {
    bucket = decodeURIComponent(slash < 0 ? rest : rest.slice(0, slash));
    key = slash < 0 ? '' : decodeURIComponent(rest.slice(slash + 1));
  } catch {
    throw new AwsError('InvalidURI', "Couldn't parse the specified URI.", 400);
  }
  if (Buffer.byteLength(key, 'utf8') > MAX_KEY_BYTES) {
    throw new AwsError('KeyTooLongError', 'Your key is too long', 400, {
      Size: Buffer.byteLength(key),
      MaxSizeAllowed: MAX_KEY_BYTES,
    });
  }
  return { bucket: bucket === '' ? undefined : bucket, key: key === '' ? undefined : key };
}

/** Query parameters the SDK adds that do not select a sub-resource. */
const PLAIN_QUERY = new Set([
  'x-id',
  'list-type',
  'prefix',
  'delimiter',
  'max-keys',
  'continuation-token',
  'start-after',
  'encoding-type',
  'fetch-owner',
]);

function operationFor(method: string, t: Target, q: URLSearchParams): string | undefined {
  const sub = [...q.keys()].filter((k) => !PLAIN_QUERY.has(k) && !k.startsWith('X-Amz-'));
  if (!t.bucket) return method === 'GET' && sub.length === 0 ? 'ListBuckets' : undefined;
  if (sub.length === 1 && sub[0] === 'location' && !t.key && method === 'GET') return 'GetBucketLocation';
  if (sub.length > 0) return undefined;
  if (!t.key) {
    if (method === 'GET') return q.get('list-type') === '2' ? 'ListObjectsV2' : undefined;
    return { PUT: 'CreateBucket', HEAD: 'HeadBucket', DELETE: 'DeleteBucket' }[method];
  }
  return { PUT: 'PutObject', GET: 'GetObject', HEAD: 'HeadObject', DELETE: 'DeleteObject' }[method];
}

function xml(status: number, body: string): LocalResponse {
  return { status, headers: { 'content-type': 'application/xml' }, body };
}

/** S3 over REST-XML with path-style addressing. */
export function s3Service(state: S3State, opts: S3Options = {}): ServiceHandler {
  return {
    name: 's3',
    maxBodyBytes: opts.maxObjectBytes ?? 64 * 1024 * 1024,
    operationOf(req) {
      if (req.headers['x-amz-copy-source'] !== undefined) {
        throw new AwsError('NotImplemented', 'CopyObject is not implemented by this local stand-in', 501);
      }
      const op = operationFor(req.method, parseTarget(req.rawPath), req.query);
      if (!op) {
        throw new AwsError(
          'NotImplemented',
          `${req.method} ${req.rawPath}?${req.query} is not implemented by this local stand-in`,
          501,
        );
      }
      return op;
    },
    handle(operation, req) {
      const withIds = (r: LocalResponse): LocalResponse => ({
        ...r,
        headers: { ...requestIdHeaders(req), ...r.headers },
      });
      return withIds(dispatch(state, operation, req));
    },
    errorResponse(err, req) {
      const headers = { ...requestIdHeaders(req), 'content-type': 'application/xml' };
      // HEAD responses carry no body, so the SDK only sees the status (404 surfaces as `NotFound`), as with S3.
      if (req.method === 'HEAD') return { status: err.status, headers };
      const fields = Object.entries(err.fields)
        .map(([k, v]) => el(k, v))
        .join('');
      const body = `${XML_DECLARATION}<Error>${el('Code', err.code)}${el('Message', err.message)}${fields}${el('RequestId', req.requestId)}${el('HostId', hostId(req))}</Error>`;
      return { status: err.status, headers, body };
    },
    faultError(kind) {
      if (kind === 'Throttling') return new AwsError('SlowDown', 'Please reduce your request rate.', 503);
      if (kind === 'InternalError')
        return new AwsError('InternalError', 'We encountered an internal error. Please try again.', 500);
      return new AwsError('ServiceUnavailable', 'Service is unable to handle request.', 503);
    },
  };
}

function hostId(req: LocalRequest): string {
  return Buffer.from(req.requestId).toString('base64');
}

function requestIdHeaders(req: LocalRequest): Record<string, string> {
  return { 'x-amz-request-id': req.requestId.replace(/-/g, '').slice(0, 16).toUpperCase(), 'x-amz-id-2': hostId(req) };
}

function dispatch(state: S3State, operation: string, req: LocalRequest): LocalResponse {
  const t = parseTarget(req.rawPath);
  const bucket = t.bucket ?? '';
  const key = t.key ?? '';
  switch (operation) {
    case 'ListBuckets':
      return listBuckets(state);
    case 'CreateBucket':
      return createBucket(state, req, bucket);
    case 'HeadBucket':
      state.requireBucket(bucket);
      return { status: 200, headers: { 'x-amz-bucket-region': req.region } };
    case 'DeleteBucket':
      state.deleteBucket(bucket);
      return { status: 204 };
    case 'GetBucketLocation':
      state.requireBucket(bucket);
      return xml(
        200,
        `${XML_DECLARATION}<LocationConstraint xmlns="${S3_XMLNS}">${req.region === 'us-east-1' ? '' : req.region}</LocationConstraint>`,
      );
    case 'ListObjectsV2':
      return xml(200, listObjectsV2(state.requireBucket(bucket), listParams(req.query)));
    case 'PutObject':
      return putObject(state, req, bucket, key);
    case 'GetObject':
    case 'HeadObject':
      state.requireBucket(bucket);
      return getObject(state, req, bucket, key, operation === 'HeadObject');
    case 'DeleteObject':
      state.deleteObject(bucket, key);
      return { status: 204 };
    default:
      throw new AwsError('NotImplemented', `${operation} is not implemented`, 501);
  }
}

function createBucket(state: S3State, req: LocalRequest, bucket: string): LocalResponse {
  if (!validBucketName(bucket))
    throw new AwsError('InvalidBucketName', 'The specified bucket is not valid.', 400, { BucketName: bucket });
  const constraint = /<LocationConstraint>([^<]{0,64})<\/LocationConstraint>/.exec(req.body.toString('utf8'))?.[1];
  if (constraint !== undefined && constraint !== '' && constraint !== req.region) {
    throw new AwsError(
      'IllegalLocationConstraintException',
      `The ${constraint} location constraint is incompatible for the region specific endpoint this request was sent to.`,
      400,
    );
  }
  if (state.buckets.has(bucket) && req.region !== 'us-east-1') {
    // us-east-1 answers 200 here for legacy compatibility; every other region refuses.
    throw new AwsError(
      'BucketAlreadyOwnedByYou',
      'Your previous request to create the named bucket succeeded and you already own it.',
      409,
      { BucketName: bucket },
    );
  }
  state.createBucket(bucket);
  return { status: 200, headers: { location: `/${bucket}` } };
}

function listBuckets(state: S3State): LocalResponse {
  const buckets = [...state.buckets.values()]
    .sort((a, b) => (a.name < b.name ? -1 : 1))
    .map((b) => `<Bucket>${el('Name', b.name)}${el('CreationDate', new Date(b.creationDate).toISOString())}</Bucket>`)
    .join('');
  return xml(
    200,
    `${XML_DECLARATION}<ListAllMyBucketsResult xmlns="${S3_XMLNS}"><Owner><ID>${OWNER_ID}</ID></Owner><Buckets>${buckets}</Buckets></ListAllMyBucketsResult>`,
  );
}

function listParams(q: URLSearchParams) {
  const raw = q.get('max-keys');
  if (raw !== null && !/^\d{1,9}$/.test(raw)) {
    throw new AwsError('InvalidArgument', 'Provided max-keys not an integer or within integer range', 400, {
      ArgumentName: 'max-keys',
      ArgumentValue: raw,
    });
  }
  const encodingType = q.get('encoding-type');
  if (encodingType !== null && encodingType !== 'url') {
    throw new AwsError('InvalidArgument', 'Invalid Encoding Method specified in Request', 400, {
      ArgumentName: 'encoding-type',
    });
  }
  return {
    prefix: q.get('prefix') ?? '',
    delimiter: q.get('delimiter') || undefined,
    maxKeys: Math.min(1000, raw === null ? 1000 : Number(raw)),
    continuationToken: q.get('continuation-token') ?? undefined,
    startAfter: q.get('start-after') ?? undefined,
    encodeUrl: encodingType === 'url',
    fetchOwner: q.get('fetch-owner') === 'true',
  };
}
